import { StorageError } from '../../../shared/errors.js';
import { bindable, type Driver, type Params, type SqlRow, type SqlValue } from '../driver.js';
import { SqlTransactions } from './sql-transactions.js';

/** One prepared statement of a native binding, with results as the engine wants them. */
export interface NativeStatement {
  /** Rows changed. */
  run(params: readonly SqlValue[]): number;
  /** The first row, or undefined. */
  get(params: readonly SqlValue[]): SqlRow | undefined;
  all(params: readonly SqlValue[]): SqlRow[];
  /** Where the binding needs it (Bun: a database with live statements does not really close). */
  finalize?(): void;
}

/** Replaces Buffer values (better-sqlite3, Bun) by plain Uint8Arrays, as every other driver returns BLOBs. */
export function plainBlobs(row: SqlRow | undefined): SqlRow | undefined {
  if (!row) return row;
  for (const key in row) {
    const v = row[key];
    if (v instanceof Uint8Array && v.constructor !== Uint8Array) row[key] = new Uint8Array(v);
  }
  return row;
}

/** What node:sqlite, better-sqlite3 and bun:sqlite each provide, in one shape (see their adapters). */
export interface NativeDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  /** Whether a transaction is open, as SQLite reports it (sqlite3_get_autocommit). */
  inTransaction(): boolean;
  /** The database image (sqlite3_serialize). */
  serialize(): Uint8Array;
  close(): void;
}

/**
 * A driver over a synchronous native SQLite binding: statements prepared once
 * and cached by SQL text, transactions as BEGIN/COMMIT with savepoints inside.
 */
export class PreparedDriver implements Driver {
  readonly #db: NativeDatabase;
  readonly #cache = new Map<string, Cached>();
  readonly #transactions = new SqlTransactions((sql) => this.run(sql));
  readonly #copy: ((image: Uint8Array) => NativeDatabase) | undefined;
  /**
   * Counted here rather than asked of SQLite (`SELECT total_changes()`): the engine takes a
   * mark around every call of a batch, and that query was one more statement per call.
   */
  #written = 0;

  /** `copy` opens a private database from an image, with the same binding (see {@link Driver.openCopy}). */
  constructor(db: NativeDatabase, copy?: (image: Uint8Array) => NativeDatabase) {
    this.#db = db;
    this.#copy = copy;
  }

  run(sql: string, params?: Params): number {
    const changed = this.#prepared(sql).stmt.run(bindable(params));
    // After a statement that is not an INSERT, UPDATE or DELETE (BEGIN, DDL), bindings report the
    // count of the last one that was: counting it again only makes a mark move when nothing was written.
    this.#written += changed;
    return changed;
  }

  get(sql: string, params?: Params): SqlRow | undefined {
    const { stmt, writes } = this.#prepared(sql);
    const row = stmt.get(bindable(params));
    // An INSERT … RETURNING: how many rows it changed is not reported; that it ran is enough for a mark.
    if (writes) this.#written++;
    return row;
  }

  all(sql: string, params?: Params): SqlRow[] {
    const { stmt, writes } = this.#prepared(sql);
    const rows = stmt.all(bindable(params));
    if (writes) this.#written++;
    return rows;
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  query(sql: string): SqlRow[] {
    return this.#db.prepare(sql).all([]);
  }

  transaction<T>(fn: () => T): T {
    return this.#transactions.run(fn);
  }

  inTransaction(): boolean {
    return this.#db.inTransaction();
  }

  /** Grows by at least one with every statement that may have written rows (see #written); a failed statement counts none. */
  totalChanges(): number {
    return this.#written;
  }

  schemaVersion(): number {
    return Number(this.get('PRAGMA user_version')?.user_version ?? 0);
  }

  setSchemaVersion(version: number): void {
    this.#db.exec(`PRAGMA user_version = ${Math.trunc(version)}`);
  }

  exportImage(): Uint8Array {
    return this.#db.serialize();
  }

  openCopy(image: Uint8Array): Driver {
    if (!this.#copy) throw new StorageError('This SQLite binding was opened without a way to open a copy of an image.');
    return new PreparedDriver(this.#copy(image), this.#copy);
  }

  close(): void {
    for (const { stmt } of this.#cache.values()) stmt.finalize?.();
    this.#cache.clear();
    this.#db.close();
  }

  #prepared(sql: string): Cached {
    let cached = this.#cache.get(sql);
    if (!cached) {
      cached = { stmt: this.#db.prepare(sql), writes: !/^\s*SELECT\b/i.test(sql) };
      this.#cache.set(sql, cached);
    }
    return cached;
  }
}

/** A prepared statement, and whether it may write (anything but a SELECT). */
type Cached = { stmt: NativeStatement; writes: boolean };
