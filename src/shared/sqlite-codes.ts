// SQLite's result codes and type codes that flowstore acts on (the values of sqlite3.h).
// Both sides use them: the engine to classify failures, the page to decide what a retry can cure.

export const SQLITE_BUSY = 5;
export const SQLITE_IOERR = 10;
export const SQLITE_FULL = 13;
export const SQLITE_ROW = 100;
export const SQLITE_DONE = 101;

// Column types, as sqlite3_column_type reports them.
export const SQLITE_INTEGER = 1;
export const SQLITE_FLOAT = 2;
export const SQLITE_TEXT = 3;
export const SQLITE_BLOB = 4;

/** Destructor value that makes SQLite copy a bound value before the call returns. */
export const SQLITE_TRANSIENT = -1;

/** The primary result code of an extended one (SQLITE_IOERR_WRITE → SQLITE_IOERR). */
export function primaryCode(code: number): number {
  return code & 0xff;
}
