import type { DurableObjectStorageLike } from '../../shared/types.js';
import { DurableObjectDriver } from './drivers/durable-object.js';
import type { OpenedDb } from './opened-db.js';

type Syncable = DurableObjectStorageLike & { sync?: () => Promise<void> };

/**
 * One Durable Object is one database. A write resolves after
 * `ctx.storage.sync()`, which resolves once the object's pending writes are
 * durable (the same point the output gate waits for before letting a response out).
 */
export async function openDurableObject(storage: DurableObjectStorageLike): Promise<OpenedDb> {
  const sync = (storage as Syncable).sync;
  const opened: OpenedDb = { driver: new DurableObjectDriver(storage), storage: 'durable-object', release: () => {} };
  if (typeof sync === 'function') opened.persist = () => sync.call(storage);
  return opened;
}
