import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StorageError } from '../../shared/errors.js';
import { primaryCode, SQLITE_BUSY } from '../../shared/sqlite-codes.js';
import type { FileDriverName } from '../../shared/types.js';
import { sqliteCode, toStoreError } from '../sql-errors.js';
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
 */
export async function openFile(path: string, choice?: FileDriverName): Promise<OpenedDb> {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  const open = await nativeOpener(choice);
  const db = open(file);
  try {
    configure(db);
  } catch (err) {
    db.close();
    throw primaryCode(sqliteCode(err) ?? 0) === SQLITE_BUSY
      ? new StorageError(
          `The database file ${file} is held by another process or store (flowstore opens its file exclusively, so cached counters never go stale). Close the other one first, or use another path.`,
          { cause: err, sqliteCode: SQLITE_BUSY },
        )
      : toStoreError(err);
  }
  return { driver: new PreparedDriver(db, (image) => openTempCopy(open, image)), storage: 'file', release: () => {}, file };
}

type Opener = (file: string) => NativeDatabase;

/** How this runtime opens a SQLite file: the binding is loaded once, so copies of images open synchronously. */
async function nativeOpener(choice: FileDriverName | undefined): Promise<Opener> {
  if (choice === undefined || choice === 'bun:sqlite') {
    const Bun = await loadBunSqlite();
    if (Bun) return (file) => bunSqlite(Bun, file);
    if (choice) throw new StorageError('driver "bun:sqlite" exists only in Bun; leave driver unset to pick the one this runtime has.');
  }
  if (choice === undefined || choice === 'node:sqlite') {
    const Node = await loadNodeSqlite();
    if (Node) return (file) => nodeSqlite(Node, file, vacuumImage);
    if (choice)
      throw new StorageError('driver "node:sqlite" is not available in this runtime (it needs Node 22.13 or later, Deno 2 or Bun).');
  }
  const Better = await loadBetterSqlite3();
  if (Better) return (file) => betterSqlite3(Better, file);
  throw new StorageError(
    `No SQLite driver for a file here: this runtime has no node:sqlite (Node ${globalThis.process?.versions?.node ?? '?'}; it needs 22.13 or later) and the optional peer dependency better-sqlite3 is not installed. Run \`npm install better-sqlite3@12\`, or use Node 22.13 or later.`,
  );
}

/**
 * Same durability as in the browser: WAL with synchronous=FULL syncs the log
 * on every commit, so a resolved write survives a crash or power cut.
 * locking_mode=EXCLUSIVE keeps the file to this connection; the empty
 * exclusive transaction takes that lock now rather than at the first write,
 * so a second opener is refused at open, before it could cache anything.
 */
function configure(db: NativeDatabase): void {
  db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE');
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
  writeFileSync(temp, image);
  let db: NativeDatabase;
  try {
    db = open(temp);
    // A scratch copy: losing it in a crash loses nothing.
    db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  return {
    ...db,
    close: () => {
      try {
        db.close();
      } finally {
        for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(temp + suffix, { force: true });
      }
    },
  };
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
