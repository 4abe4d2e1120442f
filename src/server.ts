// The build for Node, Deno and Bun (package.json "exports": node, deno, bun):
// everything the browser build exports, with an openStore that also opens files.
import { openStoreWith, type Store, type StoreOptions } from './store.js';

export * from './index.js';

/**
 * Opens (creating if needed) the database `name` and returns its store: on a
 * SQLite file with `path` (`store.storage === 'file'`), in a Durable Object
 * with `durableObject`, or in memory with `storage: 'memory'`. Each resolved
 * write is committed with WAL and synchronous=FULL. Schema migrations run before this resolves.
 * @throws ValidationError for bad options, or when neither a path nor storage: 'memory' is given.
 * @throws StorageError (sqliteCode 5, SQLITE_BUSY) if another process or store holds the file.
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options, async () => {
    const { openServerStorage, nodeDumpDir } = await import('./engine/storage/server-storage.js');
    return { open: openServerStorage, dumpDir: nodeDumpDir };
  });
}
