// The build for Cloudflare Workers (package.json "exports": workerd): a store in a Durable Object.
import { StorageError } from './shared/errors.js';
import type { DeleteStoreOptions, ListStoresOptions } from './client/delete-store.js';
import { loadInProcess } from './client/load-in-process.js';
import { openStoreWith, type Store, type StoreOptions } from './store.js';

export * from './index.js';

/**
 * Opens the store of a Durable Object: `openStore({ name, durableObject: ctx.storage })`
 * (a class with SQLite storage; `store.storage === 'durable-object'`). A write
 * resolves once `ctx.storage.sync()` says it is durable. Schema migrations run before this resolves.
 * @throws ValidationError for bad options (a Worker has no files: `path` is refused).
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options, {
    inProcess: loadInProcess,
    server: async () => {
      const { openDurableObject } = await import('./engine/storage/durable-object.js');
      return {
        open: async (req) => {
          if (!req.durableObject)
            throw new StorageError('Cloudflare Workers have no files: open the store in a Durable Object with durableObject: ctx.storage.');
          return openDurableObject(req.durableObject);
        },
      };
    },
  });
}

/** Not available in Cloudflare Workers: a Durable Object's database is removed with `ctx.storage.deleteAll()`. */
export async function deleteStore(_name: string, _options?: DeleteStoreOptions): Promise<void> {
  throw new StorageError(
    "deleteStore() is not available in Cloudflare Workers: delete a Durable Object's data with ctx.storage.deleteAll().",
  );
}

/** Not available in Cloudflare Workers: each Durable Object is one database, found by its id. */
export async function listStores(_options?: ListStoresOptions): Promise<string[]> {
  throw new StorageError('listStores() is not available in Cloudflare Workers: each Durable Object is one database, reached by its id.');
}
