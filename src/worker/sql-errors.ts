import { StorageError, StorageFullError, StoreError } from '../errors.js';

const SQLITE_FULL = 13;
const SQLITE_IOERR = 10;

/**
 * Maps anything thrown while running SQL to a StoreError, keeping SQLite's
 * result code. Quota failures become StorageFullError; nothing is swallowed.
 */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const code = sqliteCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code !== undefined && (code & 0xff) === SQLITE_FULL) {
    return new StorageFullError(`The storage quota is exhausted, so the write was not made (${message}). Free space or ask for persistent storage; earlier data is intact.`, { cause: err });
  }
  if (isQuotaError(err)) {
    return new StorageFullError(`The browser refused to store more bytes (${message}); the write was not made. Earlier data is intact.`, { cause: err });
  }
  if (code !== undefined && (code & 0xff) === SQLITE_IOERR && /quota/i.test(message)) {
    return new StorageFullError(`The storage quota is exhausted (${message}); the write was not made. Earlier data is intact.`, { cause: err });
  }
  return new StorageError(`The database failed: ${message}`, { cause: err, sqliteCode: code });
}

function sqliteCode(err: unknown): number | undefined {
  const rc = (err as { resultCode?: unknown } | null)?.resultCode;
  return typeof rc === 'number' ? rc : undefined;
}

function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError';
}
