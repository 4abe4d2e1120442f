import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';

let initialized: Promise<Sqlite3Static> | undefined;

/** Loads the wasm module once per thread. */
export function loadSqlite(): Promise<Sqlite3Static> {
  initialized ??= sqlite3InitModule();
  return initialized;
}
