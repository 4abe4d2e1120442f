// The build for Cloudflare Workers (package.json "exports": workerd): a store in a Durable Object.
import { StorageError } from './shared/errors.js';
import { openStoreWith, type Store, type StoreOptions } from './store.js';

export * from './index.js';

/**
 * Opens the store of a Durable Object: `openStore({ name, durableObject: ctx.storage })`
 * (a class with SQLite storage; `store.storage === 'durable-object'`). A write
 * resolves once `ctx.storage.sync()` says it is durable. Schema migrations run before this resolves.
 * @throws ValidationError for bad options (a Worker has no files: `path` is refused).
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options, async () => {
    const { openDurableObject } = await import('./engine/storage/durable-object.js');
    return {
      open: async (req) => {
        if (!req.durableObject)
          throw new StorageError('Cloudflare Workers have no files: open the store in a Durable Object with durableObject: ctx.storage.');
        return openDurableObject(req.durableObject);
      },
    };
  });
}
