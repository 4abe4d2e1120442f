import type { SqlRow, SqlValue } from '../driver.js';
import { plainBlobs as plain, type NativeDatabase } from './prepared.js';

type Statement = {
  run(...params: SqlValue[]): { changes: number };
  get(...params: SqlValue[]): SqlRow | null;
  all(...params: SqlValue[]): SqlRow[];
  finalize(): void;
};
type Database = {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(throwOnError?: boolean): void;
  readonly inTransaction: boolean;
  serialize(): Uint8Array;
};
type DatabaseClass = new (path: string, options: { create: boolean; readwrite: boolean } | { readonly: true }) => Database;

const BUN_SQLITE = 'bun:sqlite';

/** Loads Bun's own SQLite binding, or undefined outside Bun. */
export async function loadBunSqlite(): Promise<DatabaseClass | undefined> {
  if (typeof (globalThis as { Bun?: unknown }).Bun === 'undefined') return undefined;
  const mod = (await import(/* @vite-ignore */ BUN_SQLITE)) as { Database: DatabaseClass };
  return mod.Database;
}

/** bun:sqlite. Its get() answers null for no row, and BLOBs may come back as Buffers. */
export function bunSqlite(Database: DatabaseClass, path: string, readOnly = false): NativeDatabase {
  const db = new Database(path, readOnly ? { readonly: true } : { create: true, readwrite: true });
  return {
    prepare(sql) {
      const s = db.prepare(sql);
      return {
        run: (p) => s.run(...p).changes,
        get: (p) => plain(s.get(...p) ?? undefined),
        all: (p) => s.all(...p).map((r) => plain(r)!),
        finalize: () => s.finalize(),
      };
    },
    exec: (sql) => db.exec(sql),
    inTransaction: () => db.inTransaction,
    serialize: () => new Uint8Array(db.serialize()),
    // throwOnError: a close that cannot complete must not pass for one.
    close: () => db.close(true),
  };
}
