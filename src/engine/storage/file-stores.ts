import { existsSync, openSync, readSync, closeSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ValidationError } from '../../shared/errors.js';
import { SCHEMA_VERSION } from '../migrations.js';
import { openFile } from './file.js';
import { endOpenFile, openFiles } from './open-files.js';

/** What SQLite keeps beside a database file. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Deletes the flowstore database file at `path` and the files SQLite keeps
 * beside it. A store of this process on it is ended first (later calls
 * reject with ClosedError); a file held by another process is refused
 * before anything is removed. A missing file is not an error.
 * @throws ValidationError if the file is not a flowstore database (nothing is removed).
 * @throws StorageError (sqliteCode 5, SQLITE_BUSY) if another process holds it.
 */
export async function deleteStoreFile(path: string): Promise<void> {
  const file = resolve(path);
  await endOpenFile(file);
  if (!existsSync(file)) {
    for (const side of SIDE_FILES) rmSync(file + side, { force: true });
    return;
  }
  if (!isFlowstoreFile(file)) {
    throw new ValidationError(
      `${file} is not a flowstore database (no SQLite header with flowstore's schema version), so it was left alone`,
      'path',
    );
  }
  // Opening takes the file's exclusive lock: refused at once if another process holds it.
  const opened = await openFile(file);
  opened.driver.close();
  opened.release();
  rmSync(file, { force: true });
  for (const side of SIDE_FILES) rmSync(file + side, { force: true });
}

/**
 * The names of the flowstore database files directly in `dir` (not in its
 * subdirectories), sorted: files with a SQLite header and flowstore's schema
 * version, and files a store of this process has open.
 */
export function listStoreFiles(dir: string): string[] {
  const base = resolve(dir);
  const open = new Set(openFiles());
  let names: string[];
  try {
    names = readdirSync(base);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => !SIDE_FILES.some((s) => n.endsWith(s)))
    .filter((n) => {
      const file = join(base, n);
      return open.has(file) || (statSync(file, { throwIfNoEntry: false })?.isFile() === true && isFlowstoreFile(file));
    })
    .sort();
}

/**
 * Whether `file` starts with a SQLite header whose schema version is one
 * flowstore writes, or is a SQLite file still in its first WAL (a new
 * database whose schema is only in the WAL so far: the header says version 0).
 */
function isFlowstoreFile(file: string): boolean {
  const header = new Uint8Array(100);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 100, 0) < 100) return false;
  } finally {
    closeSync(fd);
  }
  if (new TextDecoder().decode(header.subarray(0, 15)) !== 'SQLite format 3') return false;
  const version = new DataView(header.buffer).getInt32(60);
  return (version >= 1 && version <= SCHEMA_VERSION) || (version === 0 && existsSync(`${file}-wal`));
}
