import { StorageError, StorageFullError, StoreError } from '../shared/errors.js';
import { primaryCode, SQLITE_FULL, SQLITE_IOERR } from '../shared/sqlite-codes.js';

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

/** SQLite's result code carried by a thrown error, if any. */
export function sqliteCode(err: unknown): number | undefined {
  const rc = (err as { resultCode?: unknown } | null)?.resultCode;
  return typeof rc === 'number' ? rc : undefined;
}

function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError';
}
