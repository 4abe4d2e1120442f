import { loadImage, saveImage } from './idb-images.js';
import { WasmDriver } from './drivers/wasm.js';
import { loadSqlite } from './load-sqlite.js';
import type { OpenedDb } from './opened-db.js';

/** True where IndexedDB exists (every browser thread; not Node). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

/**
 * The IndexedDB fallback: an in-memory database loaded from, and saved as a
 * whole image to, IndexedDB. Group commit keeps one save per batch.
 */
export async function openIdb(name: string): Promise<OpenedDb> {
  const sqlite3 = await loadSqlite();
  const key = `db:${name}`;
  const image = await loadImage(key);
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  if (image && image.byteLength > 0) {
    const p = sqlite3.wasm.allocFromTypedArray(image);
    const { SQLITE_DESERIALIZE_FREEONCLOSE, SQLITE_DESERIALIZE_RESIZEABLE } = sqlite3.capi;
    const flags = SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE;
    db.checkRc(sqlite3.capi.sqlite3_deserialize(db, 'main', p, image.byteLength, image.byteLength, flags));
  }
  db.exec('PRAGMA foreign_keys = ON');
  const driver = new WasmDriver(sqlite3, db);
  return {
    driver,
    storage: 'idb',
    release: () => {},
    persist: () => saveImage(key, driver.exportImage()),
  };
}
