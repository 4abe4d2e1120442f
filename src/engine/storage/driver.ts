/** A value SQLite stores or returns. Integers outside the safe range come back as BigInt. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** A result row, keyed by column name. */
export type SqlRow = Record<string, SqlValue>;

/** What a `?` placeholder takes: booleans bind as 1 and 0, any byte view as a BLOB. */
export type BindValue = string | number | bigint | boolean | null | ArrayBuffer | ArrayBufferView;

/** Statement bindings: values for the `?` placeholders, in order. */
export type Params = readonly BindValue[];

/**
 * The one seam between the engine and a SQLite implementation (sqlite-wasm,
 * node:sqlite, better-sqlite3, bun:sqlite, Durable Object storage). All calls
 * are synchronous. Transactions and the schema version go through the driver,
 * never through SQL text: Durable Objects refuse BEGIN, SAVEPOINT and PRAGMA user_version.
 */
export interface Driver {
  /** Runs a statement (prepared once, then cached) and returns the number of rows it changed. */
  run(sql: string, params?: Params): number;
  /** The first row of a query, or undefined. */
  get(sql: string, params?: Params): SqlRow | undefined;
  /** Every row of a query. */
  all(sql: string, params?: Params): SqlRow[];
  /** Runs SQL text of one or more statements that take no parameters (DDL); not cached. */
  exec(sql: string): void;
  /** Runs one uncached statement and returns its rows (diagnostics). */
  query(sql: string): SqlRow[];
  /**
   * Runs `fn` in a transaction: committed when it returns, rolled back when it
   * throws (the error is rethrown). Called inside another, it is a nested
   * transaction (a savepoint) whose rollback undoes only its own part.
   */
  transaction<T>(fn: () => T): T;
  /** False once SQLite has rolled an open transaction back on its own (I/O error, full disk). */
  inTransaction(): boolean;
  /** A count that grows with every row written; compare two readings to know whether anything was written between them. */
  totalChanges(): number;
  /** The schema version migrations brought the database to (0 for a new database). */
  schemaVersion(): number;
  /** Records the schema version; called inside the migration's transaction. */
  setSchemaVersion(version: number): void;
  /** A consistent image of the whole database (a valid .sqlite3 file). */
  exportImage(): Uint8Array;
  /**
   * A private, writable database of its own opened from `image` (a copy: the
   * image and this database stay apart), to check and migrate an image before
   * it replaces this one. Close it when done.
   * @throws StorageError where the binding cannot open one (Durable Objects).
   */
  openCopy(image: Uint8Array): Driver;
  /** Finalizes cached statements and closes the database. */
  close(): void;
}

/** Params as every native binding takes them; the array is copied only when a value needs converting. */
export function bindable(params: Params | undefined): readonly SqlValue[] {
  if (!params) return [];
  for (const p of params) {
    if (typeof p === 'boolean' || (typeof p === 'object' && p !== null && !(p instanceof Uint8Array))) return params.map(toSqlValue);
  }
  return params as readonly SqlValue[];
}

function toSqlValue(v: BindValue): SqlValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v) && !(v instanceof Uint8Array)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return v as SqlValue;
}
