import { existsSync, openSync, readSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StorageError, StoreError, ValidationError } from '../../shared/errors.js';
import { SQLITE_BUSY } from '../../shared/sqlite-codes.js';
import { SCHEMA_VERSION } from '../migrations.js';
import { openFile, readsAsFlowstore } from './file.js';
import { endOpenFile, openFiles } from './open-files.js';

/** What SQLite keeps beside a database file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Deletes the flowstore database file at `path` and the files SQLite keeps
 * beside it. A store of this process on it is ended first (later calls
 * reject with ClosedError); a file held by another process is refused
 * before anything is removed. A missing file is not an error.
 * @throws ValidationError if the file is a directory or not a flowstore database (nothing is removed).
 * @throws StorageError (sqliteCode 5, SQLITE_BUSY) if another process holds it.
 */
export async function deleteStoreFile(path: string): Promise<void> {
  const file = resolve(path);
  await endOpenFile(file);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    for (const side of SIDE_FILES) rmSync(file + side, { force: true });
    return;
  }
  if (stat.isDirectory()) throw new ValidationError(`${file} is a directory, not a database file, so it was left alone`, 'path');
  let flowstore: boolean;
  try {
    flowstore = await isFlowstoreFile(file);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new StorageError(
      `${file} could not be read to tell whether it is a flowstore database (${(err as Error).message}); nothing was removed.`,
      {
        cause: err,
      },
    );
  }
  if (!flowstore) {
    throw new ValidationError(
      `${file} is not a flowstore database (no SQLite header with flowstore's schema version, or not flowstore's tables), so it was left alone`,
      'path',
    );
  }
  // Opening takes the file's exclusive lock: refused if another process holds it.
  let opened;
  try {
    opened = await openFile(file);
  } catch (err) {
    // SQLite asks for the lock before it reads: a file it cannot read (damaged, with flowstore's
    // header) is not held, and is removed as asked. A held one is refused.
    if (!(err instanceof StorageError) || err.sqliteCode === SQLITE_BUSY) throw err;
  }
  opened?.driver.close();
  opened?.release();
  rmSync(file, { force: true });
  for (const side of SIDE_FILES) rmSync(file + side, { force: true });
}

/**
 * The names of the flowstore database files directly in `dir` (not in its
 * subdirectories), sorted: files with a SQLite header, flowstore's schema
 * version and its tables, and files a store of this process has open.
 * @throws ValidationError if `dir` is not a directory.
 */
export async function listStoreFiles(dir: string): Promise<string[]> {
  const base = resolve(dir);
  const open = new Set(openFiles());
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') throw new ValidationError(`${base} is a file, not a directory`, 'dir');
    throw new StorageError(`The directory ${base} could not be read (${(err as Error).message}).`, { cause: err });
  }
  const found: string[] = [];
  for (const name of names.filter((n) => !SIDE_FILES.some((s) => n.endsWith(s)))) {
    const file = join(base, name);
    if (open.has(file) || (await isListedFile(file))) found.push(name);
  }
  return found.sort();
}

/** A flowstore file this process may read: one it cannot (or a directory) is not listed, having nothing to show. */
async function isListedFile(file: string): Promise<boolean> {
  try {
    return statSync(file).isFile() && (await isFlowstoreFile(file));
  } catch (err) {
    if (err instanceof StoreError) throw err;
    return false;
  }
}

/**
 * Whether `file` is a flowstore database: a SQLite header whose schema version
 * is one flowstore writes (or 0 with a WAL beside it: a new database whose
 * schema is only in its first WAL so far), and then, read by SQLite, that
 * version's tables (user_version is a counter many programs keep). A file
 * another process holds cannot be read (flowstore holds its files so), nor a
 * damaged one: then the header is all there is to go by.
 */
async function isFlowstoreFile(file: string): Promise<boolean> {
  const header = new Uint8Array(100);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 100, 0) < 100) return false;
  } finally {
    closeSync(fd);
  }
  if (new TextDecoder().decode(header.subarray(0, 15)) !== 'SQLite format 3') return false;
  const version = new DataView(header.buffer).getInt32(60);
  if (!((version >= 1 && version <= SCHEMA_VERSION) || (version === 0 && existsSync(`${file}-wal`)))) return false;
  // Held or unreadable (damaged): the header said flowstore, and it is all there is to go by; a
  // damaged database must still be listed and deletable.
  return (await readsAsFlowstore(file)) !== false;
}
