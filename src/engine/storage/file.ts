import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StorageError, StorageFullError, StoreError, ValidationError } from '../../shared/errors.js';
import { primaryCode, SQLITE_BUSY, SQLITE_FULL } from '../../shared/sqlite-codes.js';
import type { FileDriverName } from '../../shared/types.js';
import { foreignSchema, TABLES_SQL } from '../migrations.js';
import { sqliteCode, toStoreError } from '../sql-errors.js';
import type { SqlRow } from './driver.js';
import { betterSqlite3, loadBetterSqlite3 } from './drivers/better-sqlite3.js';
import { bunSqlite, loadBunSqlite } from './drivers/bun-sqlite.js';
import { loadNodeSqlite, nodeSqlite } from './drivers/node-sqlite.js';
import { PreparedDriver, type NativeDatabase } from './drivers/prepared.js';
import type { OpenedDb } from './opened-db.js';

/**
 * Opens (creating it and its directory if needed) the SQLite file at `path`
 * with the first driver this runtime has: bun:sqlite on Bun, node:sqlite
 * (Node ≥ 22.13, Deno), else better-sqlite3 if installed. `choice` forces one.
 * The file is held exclusively from here until close: a second opener, in
 * this or another process, gets a StorageError with sqliteCode SQLITE_BUSY.
 * @throws ValidationError if `path` is a directory, lies under a file, or is another program's SQLite database (which is left as it was).
 */
export async function openFile(path: string, choice?: FileDriverName): Promise<OpenedDb> {
  const file = resolve(path);
  const open = await nativeOpener(choice);
  makeDirectoryOf(file);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ValidationError(`${file} is a directory; pass the path of a database file, e.g. ${join(file, 'app.sqlite3')}`, 'path');
  }
  let db: NativeDatabase;
  try {
    db = open(file);
  } catch (err) {
    throw openFailed(file, err);
  }
  try {
    // A moment's patience for a reader that holds the file only as long as a look (listStores of
    // another process); a store that holds it is still refused, a quarter of a second later.
    db.exec('PRAGMA busy_timeout = 250; PRAGMA locking_mode = EXCLUSIVE');
    // Before WAL mode, which another program's file would keep: a file flowstore refuses stays as it was.
    const foreign = foreignSchema(userVersion(db), tableNames(db));
    if (foreign !== undefined) {
      throw new ValidationError(
        `${file} is not a flowstore database (${foreign}), so it was left alone; pass the path of a flowstore database or of a new file`,
        'path',
      );
    }
    configure(db);
  } catch (err) {
    db.close();
    throw openFailed(file, err);
  }
  return { driver: new PreparedDriver(db, (image) => openTempCopy(open, image)), storage: 'file', release: () => {}, file };
}

/**
 * Whether the SQLite file at `file` holds a flowstore database, read through a
 * read-only connection (which changes nothing of the file, not even by a
 * checkpoint at close); 'held' when another process has it open, which
 * flowstore does exclusively, and 'unreadable' when SQLite cannot read it
 * (damaged, a hot journal it may not roll back): then only its header tells.
 */
export async function readsAsFlowstore(file: string): Promise<boolean | 'held' | 'unreadable'> {
  const open = await nativeOpener(undefined);
  let db: NativeDatabase;
  try {
    db = open(file, true);
  } catch (err) {
    return primaryCode(sqliteCode(err) ?? 0) === SQLITE_BUSY ? 'held' : 'unreadable';
  }
  try {
    db.exec('PRAGMA busy_timeout = 0');
    return foreignSchema(userVersion(db), tableNames(db)) === undefined;
  } catch (err) {
    return primaryCode(sqliteCode(err) ?? 0) === SQLITE_BUSY ? 'held' : 'unreadable';
  } finally {
    db.close();
  }
}

function userVersion(db: NativeDatabase): number {
  return Number(rows(db, 'PRAGMA user_version')[0]?.user_version ?? 0);
}

function tableNames(db: NativeDatabase): string[] {
  return rows(db, TABLES_SQL).map((r) => String(r.name));
}

/** A one-off query, its statement finalized (Bun does not close a database that has live statements). */
function rows(db: NativeDatabase, sql: string): SqlRow[] {
  const statement = db.prepare(sql);
  try {
    return statement.all([]);
  } finally {
    statement.finalize?.();
  }
}

function makeDirectoryOf(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new ValidationError(`${file} cannot be a database file: a part of its directory, ${dirname(file)}, is a file`, 'path');
    }
    throw new StorageError(`The directory ${dirname(file)} for the database file could not be made (${(err as Error).message}).`, {
      cause: err,
    });
  }
}

/** The error for a file SQLite would not open: held by another process, full, or unreadable as a database. */
function openFailed(file: string, err: unknown): StoreError {
  const code = sqliteCode(err);
  if (primaryCode(code ?? 0) === SQLITE_BUSY) {
    return new StorageError(
      `The database file ${file} is held by another process or store (flowstore opens its file exclusively, so cached counters never go stale). Close the other one first, or use another path.`,
      { cause: err, sqliteCode: SQLITE_BUSY },
    );
  }
  if (err instanceof StoreError || primaryCode(code ?? 0) === SQLITE_FULL) return toStoreError(err);
  return new StorageError(
    `SQLite could not open ${file} (${(err as Error)?.message ?? String(err)}); check that it is a SQLite database file this process may read and write.`,
    { cause: err, sqliteCode: code },
  );
}

/** `readOnly`: nothing of the file is changed, not even by SQLite's own checkpoint or recovery at close. */
type Opener = (file: string, readOnly?: boolean) => NativeDatabase;

/** How this runtime opens a SQLite file: the binding is loaded once, so copies of images open synchronously. */
async function nativeOpener(choice: FileDriverName | undefined): Promise<Opener> {
  if (choice === undefined || choice === 'bun:sqlite') {
    const Bun = await loadBunSqlite();
    if (Bun) return (file, readOnly) => bunSqlite(Bun, file, readOnly);
    if (choice) throw new StorageError('driver "bun:sqlite" exists only in Bun; leave driver unset to pick the one this runtime has.');
  }
  if (choice === undefined || choice === 'node:sqlite') {
    const Node = await loadNodeSqlite();
    if (Node) return (file, readOnly) => nodeSqlite(Node, file, vacuumImage, readOnly);
    if (choice)
      throw new StorageError('driver "node:sqlite" is not available in this runtime (it needs Node 22.13 or later, Deno 2 or Bun).');
  }
  const Better = await loadBetterSqlite3();
  if (Better) return (file, readOnly) => betterSqlite3(Better, file, readOnly);
  throw new StorageError(
    `No SQLite driver for a file here: this runtime has no node:sqlite (Node ${globalThis.process?.versions?.node ?? '?'}; it needs 22.13 or later) and the optional peer dependency better-sqlite3 is not installed. Run \`npm install better-sqlite3@12\`, or use Node 22.13 or later.`,
  );
}

/**
 * Same durability as in the browser: WAL with synchronous=FULL syncs the log
 * on every commit, so a resolved write survives a crash or power cut.
 * locking_mode=EXCLUSIVE (set before the first read) keeps the file to this
 * connection; the empty exclusive transaction takes that lock now rather than
 * at the first write, so a second opener is refused at open, before it could cache anything.
 */
function configure(db: NativeDatabase): void {
  const mode = db.prepare('PRAGMA journal_mode = WAL').get([])?.journal_mode;
  if (mode !== 'wal') {
    throw new StorageError(
      `SQLite refused WAL mode for this file (journal_mode is ${String(mode)}), so commits could not be made durable.`,
    );
  }
  db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; BEGIN EXCLUSIVE; COMMIT');
}

/**
 * A private database opened from `image`: the bindings cannot all load an
 * image into memory (node:sqlite has no deserialize), so it is a temporary
 * file, removed when the copy closes.
 */
function openTempCopy(open: Opener, image: Uint8Array): NativeDatabase {
  const temp = tempPath('import');
  try {
    writeFileSync(temp, image);
  } catch (err) {
    rmSync(temp, { force: true });
    throw tempFailed(temp, err);
  }
  let db: NativeDatabase | undefined;
  try {
    db = open(temp);
    // A scratch copy: losing it in a crash loses nothing.
    db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
  } catch (err) {
    try {
      db?.close();
    } finally {
      rmSync(temp, { force: true });
    }
    throw err;
  }
  const opened = db;
  return {
    ...opened,
    close: () => {
      try {
        opened.close();
      } finally {
        for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(temp + suffix, { force: true });
      }
    },
  };
}

/**
 * The temporary directory failed, not the image: a StorageError (StorageFullError
 * for a full disk), so that only SQLite's complaints about the bytes read as a bad image.
 */
function tempFailed(temp: string, err: unknown): StorageError | StorageFullError {
  const detail = (err as Error)?.message ?? String(err);
  if ((err as { code?: unknown }).code === 'ENOSPC') {
    return new StorageFullError(
      `The disk is full: the image could not be written to ${temp} to be checked (${detail}). Nothing was imported; free space and try again.`,
      {
        cause: err,
      },
    );
  }
  return new StorageError(
    `The image could not be written to ${temp} to be checked (${detail}). Nothing was imported; check that the temporary directory (TMPDIR) exists and can be written.`,
    { cause: err },
  );
}

function tempPath(what: string): string {
  return join(tmpdir(), `flowstore-${what}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite3`);
}

/** The database image through VACUUM INTO a temporary file, for drivers without sqlite3_serialize. */
function vacuumImage(exec: (sql: string) => void): Uint8Array {
  const temp = tempPath('export');
  try {
    exec(`VACUUM INTO '${temp.replaceAll("'", "''")}'`);
    return new Uint8Array(readFileSync(temp));
  } finally {
    rmSync(temp, { force: true });
  }
}
