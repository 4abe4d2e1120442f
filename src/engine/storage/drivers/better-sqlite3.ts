import { StorageError } from '../../../shared/errors.js';
import type { SqlRow, SqlValue } from '../driver.js';
import { plainBlobs as plain, type NativeDatabase } from './prepared.js';

type Statement = {
  readonly reader: boolean;
  run(...params: SqlValue[]): { changes: number };
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
};
type Database = {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
  readonly inTransaction: boolean;
  serialize(): Uint8Array;
};
type DatabaseClass = new (path: string, options: { timeout: number; readonly?: boolean; fileMustExist?: boolean }) => Database;

// A variable: better-sqlite3 is an optional peer dependency, which bundlers must not try to resolve.
const BETTER_SQLITE3 = 'better-sqlite3';

/**
 * Loads better-sqlite3 if it is installed, else undefined.
 * @throws StorageError if it is installed but its native addon does not load here (built for another Node).
 */
export async function loadBetterSqlite3(): Promise<DatabaseClass | undefined> {
  let Database: DatabaseClass;
  try {
    Database = ((await import(/* @vite-ignore */ BETTER_SQLITE3)) as { default: DatabaseClass }).default;
  } catch {
    return undefined;
  }
  try {
    // The addon loads with the first database: a build for another Node fails here, with what to do.
    new Database(':memory:', { timeout: 0 }).close();
  } catch (err) {
    throw new StorageError(
      `better-sqlite3 is installed but does not load in Node ${globalThis.process?.versions?.node ?? '?'} (${(err as Error)?.message ?? String(err)}). Run \`npm rebuild better-sqlite3\` with this Node, or leave driver unset to use node:sqlite (Node 22.13 or later).`,
      { cause: err },
    );
  }
  return Database;
}

/** better-sqlite3 12 (Node 20, which has no node:sqlite). BLOBs come back as Buffers: handed on as plain Uint8Arrays. */
export function betterSqlite3(Database: DatabaseClass, path: string, readOnly = false): NativeDatabase {
  // No busy wait: a file another process holds must be refused at once.
  const db = new Database(path, readOnly ? { timeout: 0, readonly: true, fileMustExist: true } : { timeout: 0 });
  return {
    prepare(sql) {
      const s = db.prepare(sql);
      // get()/all() refuse statements that return no data.
      if (!s.reader) return { run: (p) => s.run(...p).changes, get: (p) => void s.run(...p), all: (p) => (s.run(...p), []) };
      return {
        run: (p) => s.run(...p).changes,
        get: (p) => plain(s.get(...p)),
        all: (p) => (p.length === 0 ? unbound(s) : s.all(...p)).map((r) => plain(r)!),
      };
    },
    exec: (sql) => db.exec(sql),
    inTransaction: () => db.inTransaction,
    serialize: () => new Uint8Array(db.serialize()),
    close: () => db.close(),
  };
}

/**
 * Rows of a statement run without values (inspect(): EXPLAIN of a query with
 * placeholders). Other bindings leave unbound placeholders NULL, as SQLite
 * does; better-sqlite3 refuses, and cannot say how many there are: NULLs are added until it accepts.
 */
function unbound(s: Statement): SqlRow[] {
  for (let nulls: null[] = []; ; nulls.push(null)) {
    try {
      return s.all(...nulls);
    } catch (err) {
      if (nulls.length >= 999 || !/Too few parameter values/.test((err as Error).message)) throw err;
    }
  }
}
