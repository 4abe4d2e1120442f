import type { Database, PreparedStatement, SqlValue } from '@sqlite.org/sqlite-wasm';
import type { Change, ChangeModule } from '../types.js';

/** A result row, keyed by column name. Integers come back as numbers, BigInt outside the safe range. */
export type SqlRow = Record<string, SqlValue>;
/** Statement bindings: a list for `?` in order, or an object for named ones, prefix included (`{ $id: 1 }`). */
export type Params = SqlValue[] | Record<string, SqlValue>;

/**
 * What an operation handler gets: prepared-statement helpers over the one
 * open database, a clock, and a way to announce what it changed. Handlers run
 * inside the engine's transaction and their own savepoint.
 */
export class Tx {
  readonly #db: Database;
  /** A consistent image of the whole database. */
  readonly exportImage: () => Uint8Array;
  readonly #cache = new Map<string, PreparedStatement>();
  #changes: Omit<Change, 'version'>[] = [];

  constructor(db: Database, exportImage: () => Uint8Array) {
    this.#db = db;
    this.exportImage = exportImage;
  }

  now(): number {
    return Date.now();
  }

  /** A cached prepared statement for `sql`, reset and with bindings cleared. */
  stmt(sql: string): PreparedStatement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }

  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: Params): number {
    const stmt = this.#bound(sql, params);
    try {
      stmt.step();
    } finally {
      stmt.reset(true);
    }
    return this.#db.changes();
  }

  /** The first row of a query, or undefined. */
  get(sql: string, params?: Params): SqlRow | undefined {
    const stmt = this.#bound(sql, params);
    try {
      return stmt.step() ? (stmt.get({}) as SqlRow) : undefined;
    } finally {
      stmt.reset(true);
    }
  }

  /** Every row of a query. */
  all(sql: string, params?: Params): SqlRow[] {
    const stmt = this.#bound(sql, params);
    const rows: SqlRow[] = [];
    try {
      while (stmt.step()) rows.push(stmt.get({}) as SqlRow);
    } finally {
      stmt.reset(true);
    }
    return rows;
  }

  /** Runs SQL text that takes no parameters (DDL); not cached. */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Runs uncached SQL and returns its rows as objects (diagnostics, DDL checks). */
  query(sql: string): SqlRow[] {
    return this.#db.exec(sql, { rowMode: 'object', returnValue: 'resultRows' }) as SqlRow[];
  }

  /** Records that `key` of `module` changed; a notice goes out after commit. */
  changed(module: ChangeModule, key: string, seq?: number): void {
    this.#changes.push(seq === undefined ? { module, key } : { module, key, seq });
  }

  /** Takes the changes recorded since the last call. */
  takeChanges(): Omit<Change, 'version'>[] {
    const taken = this.#changes;
    this.#changes = [];
    return taken;
  }

  /** Forgets changes recorded since `mark` (their savepoint was rolled back). */
  dropChangesAfter(mark: number): void {
    this.#changes.length = mark;
  }

  get changeCount(): number {
    return this.#changes.length;
  }

  /** Finalizes every cached statement; call before closing the database. */
  finalize(): void {
    for (const stmt of this.#cache.values()) stmt.finalize();
    this.#cache.clear();
  }

  #bound(sql: string, params?: Params): PreparedStatement {
    const stmt = this.stmt(sql);
    if (params !== undefined && (!Array.isArray(params) || params.length > 0)) stmt.bind(params);
    return stmt;
  }
}
