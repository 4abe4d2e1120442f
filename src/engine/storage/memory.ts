import { WasmDriver } from './drivers/wasm.js';
import { loadSqlite } from './load-sqlite.js';
import type { OpenedDb } from './opened-db.js';

/** An in-memory database: volatile, private to this engine. */
export async function openMemory(): Promise<OpenedDb> {
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  db.exec('PRAGMA foreign_keys = ON');
  return { driver: new WasmDriver(sqlite3, db), storage: 'memory', release: () => {} };
}
