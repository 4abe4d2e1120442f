// flowstore/in-process: the browser build plus the engine on this thread, for
// `worker: false` (inside your own worker, or a page that wants no worker). Its
// SQLite loads on first use only, from its own chunk.
import { loadInProcess } from './client/load-in-process.js';
import { openStoreWith, type Store, type StoreOptions } from './store.js';

export * from './index.js';

/**
 * Opens (creating if needed) the database `name` and returns its store; with
 * `worker: false` SQLite runs on this thread (and, in a browser, only this
 * instance may hold a persistent database at a time). Schema migrations run before this resolves.
 * @throws ValidationError for bad options.
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options, { inProcess: loadInProcess });
}
