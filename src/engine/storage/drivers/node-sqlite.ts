import { ValidationError } from '../../../shared/errors.js';
import type { SqlRow, SqlValue } from '../driver.js';
import type { NativeDatabase } from './prepared.js';

type StatementSync = {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
};
type DatabaseSync = {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
  readonly isTransaction: boolean;
  serialize?(): Uint8Array;
};

// A variable, not a literal: bundlers leave the import alone, and TypeScript needs no node:sqlite types (Node 20's have none).
const NODE_SQLITE = 'node:sqlite';

/** Loads node:sqlite's DatabaseSync, or undefined where the runtime has none (Node < 22.13 without a flag). */
type DatabaseSyncClass = new (path: string, options?: { readOnly?: boolean }) => DatabaseSync;

export async function loadNodeSqlite(): Promise<DatabaseSyncClass | undefined> {
  try {
    const mod = (await import(/* @vite-ignore */ NODE_SQLITE)) as { DatabaseSync?: DatabaseSyncClass };
    return mod.DatabaseSync;
  } catch {
    return undefined;
  }
}

/**
 * `node:sqlite` (Node ≥ 22.13, Deno 2, Bun). `image` makes the database image
 * where the runtime's DatabaseSync has no serialize() (Deno).
 */
export function nodeSqlite(
  Database: DatabaseSyncClass,
  path: string,
  image: (exec: (sql: string) => void) => Uint8Array,
  readOnly = false,
): NativeDatabase {
  const db = readOnly ? new Database(path, { readOnly: true }) : new Database(path);
  // Deno 2.9's node:sqlite stores a string with U+0000 whole but reads it back cut at the U+0000:
  // refused there when written, rather than returned changed.
  const refuseNul = (globalThis as { Deno?: unknown }).Deno !== undefined;
  return {
    prepare(sql) {
      const s = db.prepare(sql);
      // Reads may bind such a string (a filter): it reaches SQLite whole.
      if (refuseNul && !/^\s*(SELECT|PRAGMA|WITH)\b/i.test(sql)) {
        return {
          run: (p) => Number(s.run(...noNul(p)).changes),
          get: (p) => s.get(...noNul(p)),
          all: (p) => s.all(...noNul(p)),
        };
      }
      return {
        run: (p) => Number(s.run(...p).changes),
        get: (p) => s.get(...p),
        all: (p) => s.all(...p),
      };
    },
    exec: (sql) => db.exec(sql),
    inTransaction: () => db.isTransaction,
    serialize: () => (db.serialize ? db.serialize() : image((sql) => db.exec(sql))),
    close: () => db.close(),
  };
}

function noNul(params: readonly SqlValue[]): readonly SqlValue[] {
  for (const p of params) {
    if (typeof p === 'string' && p.includes('\0')) {
      throw new ValidationError(
        'strings with U+0000 cannot be stored on Deno: its node:sqlite returns them cut at that character (JSON values are fine: their U+0000 is escaped). Use another character, or Node or Bun',
      );
    }
  }
  return params;
}
