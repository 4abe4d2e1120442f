import { NotFoundError, StorageError, StorageFullError, StoreError } from '../shared/errors.js';
import { primaryCode, SQLITE_FULL, SQLITE_IOERR } from '../shared/sqlite-codes.js';
import { tableOfRows } from './table-sql.js';

/**
 * Maps anything thrown while running SQL to a StoreError, keeping SQLite's
 * result code. Quota failures become StorageFullError; nothing is swallowed.
 */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const code = sqliteCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && primaryCode(code) === SQLITE_FULL) {
    return new StorageFullError(
      `The storage quota is exhausted, so the write was not made (${message}). Free space or ask for persistent storage; earlier data is intact.`,
      { cause: err },
    );
  }
  const table = missingRowsTable(message);
  if (table !== undefined) {
    return new NotFoundError(
      `Table ${table} is not in this database: store.import() replaced the database with one that lacks it. Open it again with store.table() to create it.`,
    );
  }
  if (isQuotaError(err)) {
    // IndexedDB's QuotaExceededError carries no message.
    const detail = message ? ` (${message})` : '';
    return new StorageFullError(
      `The browser refused to store more bytes: the site's storage quota or the disk is full${detail}. The write was not made; earlier data is intact and readable. Free space, or ask for persistent storage with navigator.storage.persist(), and try again.`,
      { cause: err },
    );
  }
  return new StorageError(`The database failed: ${message}`, { cause: err, sqliteCode: code });
}

/**
 * The table name of a missing rows table ("no such table: table_…"), which
 * only an import can cause: a Table handle creates its table when opened.
 */
function missingRowsTable(message: string): string | undefined {
  const sqlName = /no such table: (?:main\.)?(table_[a-z0-9_]+)/.exec(message)?.[1];
  return sqlName === undefined ? undefined : tableOfRows(sqlName);
}

/** True for SQLITE_IOERR and its extended codes. */
export function isIoError(code: unknown): boolean {
  return typeof code === 'number' && primaryCode(code) === SQLITE_IOERR;
}

/**
 * The error for an I/O error on OPFS. The opfs-sahpool VFS turns every failed
 * access-handle call into a bare SQLITE_IOERR: the browser's
 * QuotaExceededError (or the bogus byte count Chromium's write() can return
 * instead) is logged to the console, not passed on. On handles this engine
 * holds alone, a quota refusal is the failure that happens in practice, and
 * navigator.storage.estimate() cannot confirm it (a DevTools quota override
 * is invisible to it), so the message says what is known and what is likely.
 */
export function opfsWriteRefused(estimate: StorageEstimate | undefined, cause?: unknown): StorageFullError {
  const usage =
    estimate?.usage !== undefined && estimate.quota
      ? ` (navigator.storage.estimate(): ${mb(estimate.usage)} used of ${mb(estimate.quota)})`
      : '';
  return new StorageFullError(
    `OPFS refused to write the database file (SQLite reports a disk I/O error), so the write was not made. Browsers refuse OPFS writes when the site's storage quota or the disk is full${usage}. Earlier data is intact and readable; free space, or ask for persistent storage with navigator.storage.persist(), and try again.`,
    { cause },
  );
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const PRIMARY_CODES: Record<string, number> = {
  SQLITE_ERROR: 1,
  SQLITE_INTERNAL: 2,
  SQLITE_PERM: 3,
  SQLITE_ABORT: 4,
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7,
  SQLITE_READONLY: 8,
  SQLITE_INTERRUPT: 9,
  SQLITE_IOERR: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_NOTFOUND: 12,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
  SQLITE_PROTOCOL: 15,
  SQLITE_SCHEMA: 17,
  SQLITE_TOOBIG: 18,
  SQLITE_CONSTRAINT: 19,
  SQLITE_MISMATCH: 20,
  SQLITE_MISUSE: 21,
  SQLITE_AUTH: 23,
  SQLITE_RANGE: 25,
  SQLITE_NOTADB: 26,
};

// sqlite3_errstr() texts of the codes flowstore acts on, for bindings whose errors carry only the message (Deno's node:sqlite).
const MESSAGE_CODES: [string, number][] = [
  ['database is locked', 5],
  ['database or disk is full', 13],
  ['disk I/O error', 10],
];

/**
 * SQLite's result code carried by a thrown error, if any, whichever binding
 * threw it: sqlite-wasm (`resultCode`), node:sqlite (`errcode`), Bun (`errno`
 * with a `SQLITE_…` code), better-sqlite3 (`code` name only: its primary code),
 * Durable Objects and Deno (the message only).
 */
export function sqliteCode(err: unknown): number | undefined {
  const e = err as { resultCode?: unknown; errcode?: unknown; errno?: unknown; code?: unknown; message?: unknown } | null;
  if (typeof e?.resultCode === 'number') return e.resultCode;
  if (typeof e?.errcode === 'number') return e.errcode;
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    return typeof e.errno === 'number' ? e.errno : codeOfName(e.code);
  }
  if (typeof e?.message !== 'string') return undefined;
  const named = /\bSQLITE_[A-Z_]+/.exec(e.message);
  if (named) return codeOfName(named[0]);
  return MESSAGE_CODES.find(([text]) => (e.message as string).includes(text))?.[1];
}

/** The primary code of a result code name such as SQLITE_CONSTRAINT_UNIQUE. */
function codeOfName(name: string): number | undefined {
  for (let end = name.length; end > 7; end = name.lastIndexOf('_', end - 1)) {
    const code = PRIMARY_CODES[name.slice(0, end)];
    if (code !== undefined) return code;
  }
  return undefined;
}

function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError';
}
