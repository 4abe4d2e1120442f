import type { Database, PreparedStatement, SqlValue, Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import {
  SQLITE_BLOB,
  SQLITE_DONE,
  SQLITE_FLOAT,
  SQLITE_INTEGER,
  SQLITE_ROW,
  SQLITE_TEXT,
  SQLITE_TRANSIENT,
} from '../shared/sqlite-codes.js';

/** A result row, keyed by column name. Integers come back as numbers, BigInt outside the safe range. */
export type SqlRow = Record<string, SqlValue>;

/** Strings up to this many bytes are encoded into the shared scratch buffer; longer ones get their own allocation. */
const SCRATCH_BYTES = 64 * 1024;

type Ptr = number;

/**
 * Strings up to this long are first copied byte for byte if they are ASCII:
 * in a Chromium worker TextEncoder.encodeInto costs ≈ 1 µs a call whatever
 * the length of a short string (a bulk-loaded row binds two), the copy ≈ 0.2 µs.
 */
const ASCII_COPY_MAX = 256;

/** Writes `text` at `at` as UTF-8 if it is all ASCII (where UTF-8 is the UTF-16 units as bytes); -1 at the first unit that is not. */
function copyAscii(text: string, heap: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    heap[at + i] = c;
  }
  return text.length;
}

/** The C functions used here, as the wasm module exports them (32-bit pointers, 64-bit integers as BigInt). */
interface CExports {
  sqlite3_bind_text(stmt: Ptr, i: number, text: Ptr, bytes: number, destructor: number): number;
  sqlite3_bind_blob(stmt: Ptr, i: number, blob: Ptr, bytes: number, destructor: number): number;
  sqlite3_bind_int64(stmt: Ptr, i: number, value: bigint): number;
  sqlite3_bind_double(stmt: Ptr, i: number, value: number): number;
  sqlite3_bind_null(stmt: Ptr, i: number): number;
  sqlite3_bind_parameter_count(stmt: Ptr): number;
  sqlite3_step(stmt: Ptr): number;
  sqlite3_reset(stmt: Ptr): number;
  sqlite3_clear_bindings(stmt: Ptr): number;
  sqlite3_column_count(stmt: Ptr): number;
  sqlite3_column_type(stmt: Ptr, i: number): number;
  sqlite3_column_int64(stmt: Ptr, i: number): bigint;
  sqlite3_column_double(stmt: Ptr, i: number): number;
  sqlite3_column_text(stmt: Ptr, i: number): Ptr;
  sqlite3_column_blob(stmt: Ptr, i: number): Ptr;
  sqlite3_column_bytes(stmt: Ptr, i: number): number;
  sqlite3_changes(db: Ptr): number;
  sqlite3_total_changes(db: Ptr): number;
  sqlite3_get_autocommit(db: Ptr): number;
  sqlite3_extended_errcode(db: Ptr): number;
}

/**
 * Runs prepared statements through SQLite's C functions directly. The oo1
 * wrapper checks and converts every argument in JavaScript: measured in a
 * worker, a four-column INSERT cost 13.7 µs through it and 3.8 µs this way,
 * a point SELECT 10.2 µs and 3.7 µs (`BENCH_ONLY=2,3 npm run bench` shows the
 * effect end to end). Statements are still prepared and finalized by oo1.
 */
export class StatementRunner {
  readonly #sqlite3: Sqlite3Static;
  readonly #db: Database;
  readonly #c: CExports;
  readonly #encoder = new TextEncoder();
  // ignoreBOM keeps a leading U+FEFF: it is part of the stored text, not a marker to strip.
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #scratch: Ptr = 0;

  constructor(sqlite3: Sqlite3Static, db: Database) {
    if ((sqlite3.wasm as unknown as { ptr: { size: number } }).ptr.size !== 4)
      throw new Error('flowstore needs the 32-bit sqlite-wasm build');
    this.#sqlite3 = sqlite3;
    this.#db = db;
    this.#c = sqlite3.wasm.exports as unknown as CExports;
  }

  /** Binds `params` to the `?` placeholders in order (the statement was finished, so none is bound yet). */
  bind(stmt: PreparedStatement, params: readonly SqlValue[] | undefined): void {
    const p = stmt.pointer as Ptr;
    const c = this.#c;
    if (!params || params.length === 0) return;
    if (params.length !== c.sqlite3_bind_parameter_count(p)) {
      throw this.#error(25, `${params.length} values for ${c.sqlite3_bind_parameter_count(p)} parameters`);
    }
    for (let i = 0; i < params.length; i++) this.#check(this.#bindOne(p, i + 1, params[i]));
  }

  /** Advances the statement: true if it produced a row. Throws SQLite's error otherwise. */
  step(stmt: PreparedStatement): boolean {
    const rc = this.#c.sqlite3_step(stmt.pointer as Ptr);
    if (rc === SQLITE_ROW) return true;
    if (rc === SQLITE_DONE) return false;
    this.#check(rc);
    return false;
  }

  /**
   * Ends a run of the statement and unbinds its values (a large bound value
   * would otherwise stay in the wasm heap). Throws what only the end of a
   * statement can report, such as a deferred constraint of a statement that
   * was not stepped to the end (`get` on an `INSERT … RETURNING`).
   */
  finish(stmt: PreparedStatement): void {
    const p = stmt.pointer as Ptr;
    const rc = this.#c.sqlite3_reset(p);
    this.#c.sqlite3_clear_bindings(p);
    this.#check(rc);
  }

  /** Ends a run whose step already threw; reset would only repeat that error. */
  abandon(stmt: PreparedStatement): void {
    const p = stmt.pointer as Ptr;
    this.#c.sqlite3_reset(p);
    this.#c.sqlite3_clear_bindings(p);
  }

  /** The current row, keyed by `names` (the statement's column names). */
  row(stmt: PreparedStatement, names: readonly string[]): SqlRow {
    const p = stmt.pointer as Ptr;
    const row: SqlRow = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = this.#column(p, i);
    return row;
  }

  /** Rows changed by the last INSERT, UPDATE or DELETE. */
  changes(): number {
    return this.#c.sqlite3_changes(this.#db.pointer as Ptr);
  }

  /** Rows changed by every completed INSERT, UPDATE or DELETE so far (a statement that failed counts none). */
  totalChanges(): number {
    return this.#c.sqlite3_total_changes(this.#db.pointer as Ptr);
  }

  /** False once SQLite has rolled an open transaction back on its own (I/O error, full disk). */
  inTransaction(): boolean {
    return this.#c.sqlite3_get_autocommit(this.#db.pointer as Ptr) === 0;
  }

  close(): void {
    if (this.#scratch) this.#sqlite3.wasm.dealloc(this.#scratch);
    this.#scratch = 0;
  }

  #bindOne(p: Ptr, i: number, value: SqlValue | boolean | undefined): number {
    const c = this.#c;
    if (value === null || value === undefined) return c.sqlite3_bind_null(p, i);
    switch (typeof value) {
      case 'string':
        return this.#bindText(p, i, value);
      case 'number':
        return Number.isSafeInteger(value) ? c.sqlite3_bind_int64(p, i, BigInt(value)) : c.sqlite3_bind_double(p, i, value);
      case 'bigint':
        return c.sqlite3_bind_int64(p, i, value);
      case 'boolean':
        return c.sqlite3_bind_int64(p, i, value ? 1n : 0n);
      default: {
        const bytes =
          value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        const wasm = this.#sqlite3.wasm;
        const ptr = wasm.alloc(Math.max(bytes.byteLength, 1)) as Ptr;
        try {
          wasm.heap8u().set(bytes, ptr);
          return c.sqlite3_bind_blob(p, i, ptr, bytes.byteLength, SQLITE_TRANSIENT);
        } finally {
          wasm.dealloc(ptr);
        }
      }
    }
  }

  #bindText(p: Ptr, i: number, text: string): number {
    const wasm = this.#sqlite3.wasm;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = text.length * 3;
    if (most > SCRATCH_BYTES) {
      const bytes = this.#encoder.encode(text);
      const ptr = wasm.alloc(Math.max(bytes.byteLength, 1)) as Ptr;
      try {
        wasm.heap8u().set(bytes, ptr);
        return this.#c.sqlite3_bind_text(p, i, ptr, bytes.byteLength, SQLITE_TRANSIENT);
      } finally {
        wasm.dealloc(ptr);
      }
    }
    if (!this.#scratch) this.#scratch = wasm.alloc(SCRATCH_BYTES) as Ptr;
    // The heap view is taken after any allocation: growing memory replaces the buffer.
    const heap = wasm.heap8u();
    const written = text.length <= ASCII_COPY_MAX ? copyAscii(text, heap, this.#scratch) : -1;
    const bytes =
      written >= 0 ? written : this.#encoder.encodeInto(text, heap.subarray(this.#scratch, this.#scratch + SCRATCH_BYTES)).written;
    return this.#c.sqlite3_bind_text(p, i, this.#scratch, bytes, SQLITE_TRANSIENT);
  }

  #column(p: Ptr, i: number): SqlValue {
    const c = this.#c;
    switch (c.sqlite3_column_type(p, i)) {
      case SQLITE_INTEGER: {
        const n = c.sqlite3_column_int64(p, i);
        return n >= Number.MIN_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : n;
      }
      case SQLITE_FLOAT:
        return c.sqlite3_column_double(p, i);
      case SQLITE_TEXT: {
        // column_text before column_bytes, as SQLite documents.
        const ptr = c.sqlite3_column_text(p, i);
        if (ptr === 0) throw this.#error(7, 'out of memory reading a text column');
        const n = c.sqlite3_column_bytes(p, i);
        return this.#decoder.decode(this.#sqlite3.wasm.heap8u().subarray(ptr, ptr + n));
      }
      case SQLITE_BLOB: {
        const ptr = c.sqlite3_column_blob(p, i);
        const n = c.sqlite3_column_bytes(p, i);
        return this.#sqlite3.wasm.heap8u().slice(ptr, ptr + n);
      }
      default:
        return null;
    }
  }

  #check(rc: number): void {
    if (rc === 0) return;
    const db = this.#db.pointer as Ptr;
    throw this.#error(this.#c.sqlite3_extended_errcode(db) || rc, this.#sqlite3.capi.sqlite3_errmsg(db));
  }

  /** The error oo1 would throw (same class, message and `resultCode`), so errors read alike whichever path ran the SQL. */
  #error(code: number, message: string): Error {
    const SQLite3Error = this.#sqlite3.SQLite3Error as unknown as new (...args: unknown[]) => Error;
    return new SQLite3Error(code, 'sqlite3 result code', `${code}:`, message);
  }
}
