import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { WasmDriver, deserialize } from '../../src/engine/storage/drivers/wasm.js';
import { migrate } from '../../src/engine/migrations.js';

// Images made or edited with a real SQLite (sqlite-wasm, in memory), to import the kinds of files users have.
// Loaded on first use: the contract files that import this also run in workerd, which has no sqlite-wasm.
let loading: ReturnType<typeof sqlite3InitModule> | undefined;
const load = () => (loading ??= sqlite3InitModule());

/** Runs `sql` on a copy of `image` (or on a new, empty database) and returns the resulting image. */
export async function editImage(image: Uint8Array | undefined, sql: string): Promise<Uint8Array> {
  const s = await load();
  const db = new s.oo1.DB(':memory:', 'c');
  try {
    if (image) {
      const copy = image.slice();
      copy[18] = copy[19] = 1; // a WAL image cannot be opened in memory
      deserialize(s, db, copy);
    }
    db.exec(sql);
    return s.capi.sqlite3_js_db_export(db);
  } finally {
    db.close();
  }
}

/** An image of a flowstore database at an older schema version, holding `sql`'s rows. */
export async function oldFlowstoreImage(version: number, sql: string): Promise<Uint8Array> {
  const s = await load();
  const driver = new WasmDriver(s, new s.oo1.DB(':memory:', 'c'));
  try {
    migrate(driver, version);
    driver.exec(sql);
    return driver.exportImage();
  } finally {
    driver.close();
  }
}
