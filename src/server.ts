// The build for Node, Deno and Bun (package.json "exports": node, deno, bun):
// everything the browser build exports, with an openStore that also opens files.
import { loadInProcess } from './client/load-in-process.js';
import { openStoreWith, type Store, type StoreOptions } from './store.js';
import type { DeleteStoreOptions, ListStoresOptions } from './client/delete-store.js';
import { assertDatabaseName } from './shared/database-name.js';
import { ValidationError } from './shared/errors.js';
import { assertFilePath, describe } from './shared/validate.js';

export * from './index.js';

/**
 * Opens (creating if needed) the database `name` and returns its store: on a
 * SQLite file with `path` (`store.storage === 'file'`), in a Durable Object
 * with `durableObject`, or in memory with `storage: 'memory'`. Each resolved
 * write is committed with WAL and synchronous=FULL. Schema migrations run before this resolves.
 * @throws ValidationError for bad options, when neither a path nor storage: 'memory' is given, or when the file or object holds another program's database (it is left as it was).
 * @throws StorageError (sqliteCode 5, SQLITE_BUSY) if another process or store holds the file.
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options, {
    inProcess: loadInProcess,
    server: async () => {
      const { openServerStorage, nodeDumpDir } = await import('./engine/storage/server-storage.js');
      return { open: openServerStorage, dumpDir: nodeDumpDir };
    },
  });
}

/**
 * Deletes a database. On Node, Deno and Bun a database is a file: pass the
 * `path` it was opened with, `deleteStore('app', { path: './data/app.sqlite3' })`;
 * the file and SQLite's files beside it (-wal, -shm, -journal) are removed.
 * A store of this process on that file is ended first (its later calls reject
 * with ClosedError). A missing file is not an error.
 * @throws ValidationError without `path`, or if it is a directory or a file that is not a flowstore database (it is left alone).
 * @throws StorageError (sqliteCode 5, SQLITE_BUSY) if another process holds the file; nothing is removed.
 */
export async function deleteStore(name: string, options?: DeleteStoreOptions): Promise<void> {
  assertDatabaseName(name);
  const path = serverOption(options, 'path', `deleteStore('${name}', { path: './data/${name}.sqlite3' })`);
  const { deleteStoreFile } = await import('./engine/storage/file-stores.js');
  await deleteStoreFile(path);
}

/**
 * The flowstore database files directly in `dir` (file names, sorted), on
 * Node, Deno and Bun: `listStores({ dir: './data' })` → `['app.sqlite3']`.
 * A file counts if it has a SQLite header with flowstore's schema version
 * and that version's tables, or a store of this process has it open.
 * @throws ValidationError without `dir`, or if `dir` is a file.
 */
export async function listStores(options?: ListStoresOptions): Promise<string[]> {
  const dir = serverOption(options, 'dir', "listStores({ dir: './data' })");
  const { listStoreFiles } = await import('./engine/storage/file-stores.js');
  return listStoreFiles(dir);
}

function serverOption(options: unknown, key: 'path' | 'dir', example: string): string {
  const value = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(
      `on a server runtime databases are files: pass ${key} as a non-empty string, e.g. ${example} (got ${describe(value)})`,
      key,
    );
  }
  assertFilePath(value, key);
  return value;
}
