import { loadImage, saveImage } from './idb-images.js';
import { deserialize, WasmDriver } from './drivers/wasm.js';
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
  if (image && image.byteLength > 0) deserialize(sqlite3, db, image);
  db.exec('PRAGMA foreign_keys = ON');
  const driver = new WasmDriver(sqlite3, db);
  return {
    driver,
    storage: 'idb',
    release: () => {},
    persist: () => saveImage(key, driver.exportImage()),
  };
}
