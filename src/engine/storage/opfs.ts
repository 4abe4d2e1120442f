import type { Database, SAHPoolUtil } from '@sqlite.org/sqlite-wasm';
import { StorageError } from '../../shared/errors.js';
import { SQLITE_BUSY } from '../../shared/sqlite-codes.js';
import { toStoreError } from '../sql-errors.js';
import { WasmDriver } from './drivers/wasm.js';
import { loadSqlite } from './load-sqlite.js';
import type { OpenedDb } from './opened-db.js';
import { POOL_ROOT, poolSlug } from '../../shared/pool-slug.js';
import { filesReleased } from './pool-handles.js';

/** True where this thread can hold OPFS sync access handles (dedicated workers). */
export function hasOpfs(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle === 'function'
  );
}

/**
 * Opens `name` on OPFS through the opfs-sahpool VFS, one pool directory per
 * database name so two databases never contend for each other's handles.
 */
export async function openOpfs(name: string): Promise<OpenedDb> {
  const slug = poolSlug(name);
  // Waiting for a gone worker's handles overlaps the wasm start-up, so an open pays nothing for it.
  const [sqlite3] = await Promise.all([loadSqlite(), filesReleased(`${POOL_ROOT}/${slug}`)]);
  let pool: SAHPoolUtil;
  try {
    pool = await sqlite3.installOpfsSAHPoolVfs({
      name: `flowstore-${slug}`,
      directory: `${POOL_ROOT}/${slug}`,
      initialCapacity: 6,
      preserveOnInitFailure: true,
    });
  } catch (err) {
    // Setting up the pool writes its files' headers, which a full quota refuses.
    if ((err as Error | null)?.name === 'QuotaExceededError') throw toStoreError(err);
    const refusal = refusalOf(err);
    if (refusal) throw new OpfsRefusedError(name, refusal, err);
    throw new StorageError(
      `Could not open database "${name}" on OPFS: another worker still holds its files (${(err as Error).message}). Close the other store or tab, or wait for it to hand over.`,
      // SQLITE_BUSY marks the one failure that waiting can cure.
      { cause: err, sqliteCode: SQLITE_BUSY },
    );
  }
  if (pool.isPaused()) await pool.unpauseVfs();
  const db = new pool.OpfsSAHPoolDb('/db.sqlite3');
  configure(db);
  return {
    driver: new WasmDriver(sqlite3, db),
    storage: 'opfs',
    // Pausing gives the access handles back so another tab's worker can open the pool.
    release: () => pool.pauseVfs(),
  };
}

/**
 * Durability settings, chosen by measurement (README, Performance; `npm run
 * bench:journal`): WAL with synchronous=FULL syncs the log on every commit, so
 * a resolved write survives a crash, at about half the cost per commit of the
 * rollback journals. opfs-sahpool has no shared memory, so WAL needs exclusive
 * locking; one engine owns the files anyway.
 */
function configure(db: Database): void {
  db.exec(`
    PRAGMA locking_mode = EXCLUSIVE;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA foreign_keys = ON;
  `);
  const mode = db.selectValue('PRAGMA journal_mode');
  if (mode !== 'wal') {
    throw new StorageError(
      `SQLite refused WAL mode on OPFS (journal_mode is ${String(mode)}), so commits could not be made durable; please report this with your browser version.`,
    );
  }
}

/**
 * OPFS exists but the browser will not let this page use it: Firefox's
 * private windows refuse getDirectory() (SecurityError), and WebKit builds
 * without sync access handles refuse createSyncAccessHandle() (NotSupportedError).
 * Waiting does not help, unlike files another worker still holds.
 */
export class OpfsRefusedError extends StorageError {
  readonly reason: string;
  constructor(name: string, reason: string, cause: unknown) {
    super(`Could not open database "${name}" on OPFS: the browser refuses it here (${reason}). Use storage "auto" or "idb".`, { cause });
    this.reason = reason;
  }
}

function refusalOf(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  const message = String((err as { message?: unknown } | null)?.message ?? err);
  for (const kind of ['SecurityError', 'NotSupportedError', 'NotAllowedError']) {
    if (name === kind || message.includes(kind)) return `${kind}: ${message}`;
  }
  return undefined;
}
