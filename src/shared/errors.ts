/** Every error code a store can raise. Branch on `err.code` or use `instanceof`. */
export type ErrorCode =
  'ALREADY_EXISTS' | 'NOT_FOUND' | 'VALIDATION' | 'AMBIGUOUS_ID' | 'STORAGE_FULL' | 'CLOSED' | 'STORAGE' | 'TIMEOUT' | 'DUMP';

/** Base class of every error flowstore raises on purpose. */
export class StoreError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // A string, not new.target.name: minifiers rename classes, and names must survive a production build.
    this.name = 'StoreError';
  }
}

/** A write-once key was written before; the first value is kept. */
export class AlreadyExistsError extends StoreError {
  override name = 'AlreadyExistsError';
  constructor(message: string) {
    super('ALREADY_EXISTS', message);
  }
}

/** The id, key or name asked for does not exist. */
export class NotFoundError extends StoreError {
  override name = 'NotFoundError';
  /** Index of the failing operation, for `table.batch`. */
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super('NOT_FOUND', message);
    this.index = index;
  }
}

/** The input was refused before anything was written. `path` points at the offending part. */
export class ValidationError extends StoreError {
  override name = 'ValidationError';
  readonly path: string | undefined;
  readonly reason: string;
  /** Index of the failing operation, for `table.batch`. */
  readonly index: number | undefined;
  constructor(reason: string, path?: string, index?: number) {
    super('VALIDATION', describeValidation(reason, path, index));
    this.reason = reason;
    this.path = path;
    this.index = index;
  }
}

function describeValidation(reason: string, path?: string, index?: number): string {
  const where = path === undefined ? '' : ` at ${path}`;
  return `${batchOpFailed(index)}Invalid input${where}: ${reason}. Nothing was written.`;
}

/**
 * The start of an error message about operation `index` of a batch
 * ("Operation 2 of the batch failed: "), or '' outside a batch.
 */
export function batchOpFailed(index: number | undefined): string {
  return index === undefined ? '' : `Operation ${index} of the batch failed: `;
}

/** An id prefix matched more than one row. */
export class AmbiguousIdError extends StoreError {
  override name = 'AmbiguousIdError';
  readonly prefix: string;
  readonly candidates: string[];
  /** Index of the failing operation, for `table.batch`. */
  readonly index: number | undefined;
  constructor(prefix: string, candidates: string[], index?: number) {
    super(
      'AMBIGUOUS_ID',
      `${batchOpFailed(index)}The id prefix "${prefix}" matches ${candidates.length} rows (${candidates.join(', ')}); give more characters of the id.`,
    );
    this.prefix = prefix;
    this.candidates = candidates;
    this.index = index;
  }
}

/** The browser refused to store more bytes (quota exceeded). Earlier data is intact. */
export class StorageFullError extends StoreError {
  override name = 'StorageFullError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_FULL', message, options);
  }
}

/** The store was closed; open it again with openStore(). */
export class ClosedError extends StoreError {
  override name = 'ClosedError';
  constructor(message = 'The store is closed; open it again with openStore() to keep using it.') {
    super('CLOSED', message);
  }
}

/** The storage layer failed. `sqliteCode` is SQLite's result code where there is one. */
export class StorageError extends StoreError {
  override name = 'StorageError';
  readonly sqliteCode: number | undefined;
  constructor(message: string, options?: { cause?: unknown; sqliteCode?: number }) {
    super('STORAGE', message, options);
    this.sqliteCode = options?.sqliteCode;
  }
}

/** A call waited longer than its bound (for a database owner, or for a lock). */
export class TimeoutError extends StoreError {
  override name = 'TimeoutError';
  constructor(message: string) {
    super('TIMEOUT', message);
  }
}

/**
 * Markdown files of a table could not be written (or removed). The rows
 * themselves are committed: a dump failure never undoes a write. The files
 * stay marked as behind, and the next open of the store brings them up to
 * date. Delivered to {@link Store.onDumpError} listeners, never as a call's rejection.
 */
export class DumpError extends StoreError {
  override name = 'DumpError';
  /** The table whose files are behind. */
  readonly table: string;
  /** The rows whose files are behind. */
  readonly rowIds: string[];
  constructor(message: string, table: string, rowIds: string[], options?: { cause?: unknown }) {
    super('DUMP', message, options);
    this.table = table;
    this.rowIds = rowIds;
  }
}

/** The wire form of an error: plain data that survives structured clone and JSON. */
export type WireError = {
  code: ErrorCode | 'UNKNOWN';
  name: string;
  message: string;
  fields?: Record<string, unknown>;
};

/** Turns any thrown value into its wire form. */
export function encodeError(err: unknown): WireError {
  if (err instanceof StoreError) {
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(err)) {
      if (key !== 'code' && key !== 'name' && key !== 'message') fields[key] = (err as unknown as Record<string, unknown>)[key];
    }
    return { code: err.code, name: err.name, message: err.message, fields };
  }
  if (err instanceof Error) return { code: 'UNKNOWN', name: err.name, message: err.message };
  return { code: 'UNKNOWN', name: 'Error', message: String(err) };
}

/** Rebuilds the error class, code, message and fields from the wire form. */
export function decodeError(wire: WireError): Error {
  const f = wire.fields ?? {};
  let err: Error;
  switch (wire.code) {
    case 'ALREADY_EXISTS':
      err = new AlreadyExistsError(wire.message);
      break;
    case 'NOT_FOUND':
      err = new NotFoundError(wire.message, f.index as number | undefined);
      break;
    case 'VALIDATION':
      err = new ValidationError(f.reason as string, f.path as string | undefined, f.index as number | undefined);
      break;
    case 'AMBIGUOUS_ID':
      err = new AmbiguousIdError(f.prefix as string, f.candidates as string[], f.index as number | undefined);
      break;
    case 'STORAGE_FULL':
      err = new StorageFullError(wire.message);
      break;
    case 'CLOSED':
      err = new ClosedError(wire.message);
      break;
    case 'STORAGE':
      err = new StorageError(wire.message, { sqliteCode: f.sqliteCode as number | undefined });
      break;
    case 'TIMEOUT':
      err = new TimeoutError(wire.message);
      break;
    case 'DUMP':
      err = new DumpError(wire.message, f.table as string, f.rowIds as string[]);
      break;
    default:
      return new StorageError(`Unexpected failure: ${wire.name}: ${wire.message}`);
  }
  // Keep the exact message the thrower wrote (subclass constructors rebuild theirs).
  err.message = wire.message;
  return err;
}
