import type { Database, PreparedStatement, SqlValue as WasmValue, Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { StatementRunner } from '../../statement.js';
import type { Driver, Params, SqlRow } from '../driver.js';
import { SqlTransactions } from './sql-transactions.js';

type Cached = { stmt: PreparedStatement; names: string[] | undefined };

/**
 * The official sqlite-wasm build (browser worker: OPFS, IndexedDB images,
 * memory; Node tests in memory). Statements run through SQLite's C exports
 * (statement.ts: measured 3× faster than oo1's wrappers); oo1 only prepares,
 * finalizes and runs uncached SQL.
 */
export class WasmDriver implements Driver {
  readonly #sqlite3: Sqlite3Static;
  readonly #db: Database;
  readonly #sql: StatementRunner;
  readonly #cache = new Map<string, Cached>();
  readonly #transactions = new SqlTransactions((sql) => this.run(sql));

  constructor(sqlite3: Sqlite3Static, db: Database) {
    this.#sqlite3 = sqlite3;
    this.#db = db;
    this.#sql = new StatementRunner(sqlite3, db);
  }

  run(sql: string, params?: Params): number {
    const { stmt } = this.#bound(sql, params);
    this.#steps(stmt, () => {
      this.#sql.step(stmt);
    });
    return this.#sql.changes();
  }

  get(sql: string, params?: Params): SqlRow | undefined {
    const cached = this.#bound(sql, params);
    let row: SqlRow | undefined;
    this.#steps(cached.stmt, () => {
      if (this.#sql.step(cached.stmt)) row = this.#sql.row(cached.stmt, this.#names(cached)) as SqlRow;
    });
    return row;
  }

  all(sql: string, params?: Params): SqlRow[] {
    const cached = this.#bound(sql, params);
    const rows: SqlRow[] = [];
    this.#steps(cached.stmt, () => {
      while (this.#sql.step(cached.stmt)) rows.push(this.#sql.row(cached.stmt, this.#names(cached)) as SqlRow);
    });
    return rows;
  }

  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } finally {
      // DDL may change what a cached `SELECT *` returns.
      for (const cached of this.#cache.values()) cached.names = undefined;
    }
  }

  query(sql: string): SqlRow[] {
    return this.#db.exec(sql, { rowMode: 'object', returnValue: 'resultRows' }) as SqlRow[];
  }

  transaction<T>(fn: () => T): T {
    return this.#transactions.run(fn);
  }

  inTransaction(): boolean {
    return this.#sql.inTransaction();
  }

  totalChanges(): number {
    return this.#sql.totalChanges();
  }

  schemaVersion(): number {
    return Number(this.get('PRAGMA user_version')?.user_version ?? 0);
  }

  setSchemaVersion(version: number): void {
    this.exec(`PRAGMA user_version = ${Math.trunc(version)}`);
  }

  exportImage(): Uint8Array {
    return this.#sqlite3.capi.sqlite3_js_db_export(this.#db);
  }

  openCopy(image: Uint8Array): Driver {
    const db = new this.#sqlite3.oo1.DB(':memory:', 'c');
    try {
      deserialize(this.#sqlite3, db, image);
    } catch (err) {
      db.close();
      throw err;
    }
    return new WasmDriver(this.#sqlite3, db);
  }

  close(): void {
    for (const { stmt } of this.#cache.values()) stmt.finalize();
    this.#cache.clear();
    this.#sql.close();
    this.#db.close();
  }

  /** The cached prepared statement for `sql`, with `params` bound. */
  #bound(sql: string, params?: Params): Cached {
    let cached = this.#cache.get(sql);
    if (!cached) {
      cached = { stmt: this.#db.prepare(sql), names: undefined };
      this.#cache.set(sql, cached);
    }
    try {
      this.#sql.bind(cached.stmt, params as readonly WasmValue[] | undefined);
    } catch (err) {
      // Values bound before the one that failed would otherwise stay in the wasm heap.
      this.#sql.abandon(cached.stmt);
      throw err;
    }
    return cached;
  }

  /** Runs `body` (the steps) and finishes the statement, whether or not a step threw. */
  #steps(stmt: PreparedStatement, body: () => void): void {
    try {
      body();
    } catch (err) {
      this.#sql.abandon(stmt);
      throw err;
    }
    this.#sql.finish(stmt);
  }

  #names(cached: Cached): string[] {
    return (cached.names ??= cached.stmt.getColumnNames());
  }
}

/** Loads `image` into the (in-memory) database `db`, which then owns a copy of the bytes in the wasm heap. */
export function deserialize(sqlite3: Sqlite3Static, db: Database, image: Uint8Array): void {
  const p = sqlite3.wasm.allocFromTypedArray(image);
  const { SQLITE_DESERIALIZE_FREEONCLOSE, SQLITE_DESERIALIZE_RESIZEABLE } = sqlite3.capi;
  // FREEONCLOSE: SQLite frees the copy on close, and also when deserializing fails.
  const flags = SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE;
  db.checkRc(sqlite3.capi.sqlite3_deserialize(db, 'main', p, image.byteLength, image.byteLength, flags));
}
