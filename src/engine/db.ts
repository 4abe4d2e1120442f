import type { Database, PreparedStatement, SqlValue, Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import type { ChangeNotice, NoticeExtras } from '../shared/change-notice.js';
import type { ChangeModule } from '../shared/types.js';
import { StatementRunner, type SqlRow } from './statement.js';

export type { SqlRow };
/** Statement bindings: values for the `?` placeholders, in order. */
export type Params = readonly SqlValue[];

type Cached = { stmt: PreparedStatement; names: string[] | undefined };

/**
 * What an operation handler gets: prepared-statement helpers over the one
 * open database, a clock, and a way to announce what it changed. Handlers run
 * inside the engine's transaction; the engine undoes every write of a call that throws.
 */
export class Db {
  readonly #db: Database;
  readonly #sql: StatementRunner;
  /** A consistent image of the whole database. */
  readonly exportImage: () => Uint8Array;
  readonly #cache = new Map<string, Cached>();
  #changes: Omit<ChangeNotice, 'version'>[] = [];
  #ddlRuns = 0;

  constructor(sqlite3: Sqlite3Static, db: Database, exportImage: () => Uint8Array) {
    this.#db = db;
    this.#sql = new StatementRunner(sqlite3, db);
    this.exportImage = exportImage;
  }

  now(): number {
    return Date.now();
  }

  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: Params): number {
    const { stmt } = this.#bound(sql, params);
    this.#steps(stmt, () => {
      this.#sql.step(stmt);
    });
    return this.#sql.changes();
  }

  /** The first row of a query, or undefined. */
  get(sql: string, params?: Params): SqlRow | undefined {
    const cached = this.#bound(sql, params);
    let row: SqlRow | undefined;
    this.#steps(cached.stmt, () => {
      if (this.#sql.step(cached.stmt)) row = this.#sql.row(cached.stmt, this.#names(cached));
    });
    return row;
  }

  /** Every row of a query. */
  all(sql: string, params?: Params): SqlRow[] {
    const cached = this.#bound(sql, params);
    const rows: SqlRow[] = [];
    this.#steps(cached.stmt, () => {
      while (this.#sql.step(cached.stmt)) rows.push(this.#sql.row(cached.stmt, this.#names(cached)));
    });
    return rows;
  }

  /** Runs SQL text that takes no parameters (DDL); not cached. */
  exec(sql: string): void {
    // Counted even when it fails part-way: the statements before the failing one did run.
    this.#ddlRuns++;
    try {
      this.#db.exec(sql);
    } finally {
      // DDL may change what a cached `SELECT *` returns.
      for (const cached of this.#cache.values()) cached.names = undefined;
    }
  }

  /** Runs uncached SQL and returns its rows as objects (diagnostics, DDL checks). */
  query(sql: string): SqlRow[] {
    return this.#db.exec(sql, { rowMode: 'object', returnValue: 'resultRows' }) as SqlRow[];
  }

  /** Records that `key` of `module` changed; a notice goes out after commit, with `extras` (see NoticeExtras). */
  changed(module: ChangeModule, key: string, seq?: number, extras?: NoticeExtras): void {
    const change: Omit<ChangeNotice, 'version'> = seq === undefined ? { module, key } : { module, key, seq };
    if (extras) Object.assign(change, extras);
    this.#changes.push(change);
  }

  /** Takes the changes recorded since the last call. */
  takeChanges(): Omit<ChangeNotice, 'version'>[] {
    const taken = this.#changes;
    this.#changes = [];
    return taken;
  }

  /** Forgets changes recorded since `mark` (their call was undone). */
  dropChangesAfter(mark: number): void {
    this.#changes.length = mark;
  }

  /** Changes whenever a statement writes (rows or schema); compare two marks to know whether anything was written between them. */
  writeMark(): number {
    // total_changes is a 32-bit count: DDL runs count above it.
    return this.#sql.totalChanges() + this.#ddlRuns * 2 ** 32;
  }

  /** False if SQLite rolled the transaction back on its own after an error. */
  inTransaction(): boolean {
    return this.#sql.inTransaction();
  }

  get changeCount(): number {
    return this.#changes.length;
  }

  /** Finalizes every cached statement; call before closing the database. */
  finalize(): void {
    for (const { stmt } of this.#cache.values()) stmt.finalize();
    this.#cache.clear();
    this.#sql.close();
  }

  /** The cached prepared statement for `sql`, with `params` bound. */
  #bound(sql: string, params?: Params): Cached {
    let cached = this.#cache.get(sql);
    if (!cached) {
      cached = { stmt: this.#db.prepare(sql), names: undefined };
      this.#cache.set(sql, cached);
    }
    try {
      this.#sql.bind(cached.stmt, params);
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
