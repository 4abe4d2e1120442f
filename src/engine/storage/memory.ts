import { loadSqlite } from './load-sqlite.js';
import type { OpenedDb } from './opened-db.js';

/** An in-memory database: volatile, private to this engine. */
export async function openMemory(): Promise<OpenedDb> {
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  db.exec('PRAGMA foreign_keys = ON');
  return { db, storage: 'memory', exportImage: () => sqlite3.capi.sqlite3_js_db_export(db), release: () => {} };
}
