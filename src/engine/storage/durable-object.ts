import { StorageError } from '../../shared/errors.js';
import { SQLITE_BUSY } from '../../shared/sqlite-codes.js';
import type { DurableObjectStorageLike } from '../../shared/types.js';
import { DurableObjectDriver } from './drivers/durable-object.js';
import type { OpenedDb } from './opened-db.js';

type Syncable = DurableObjectStorageLike & { sync?: () => Promise<void> };

/**
 * The storages a store of this isolate has open. Two stores on one would each
 * count versions on their own (two commits, one version) and neither would
 * hear the other's writes, so a waiting tail on one would miss appends to the other.
 */
const open = new WeakSet<object>();

/**
 * One Durable Object is one database. A write resolves after
 * `ctx.storage.sync()`, which resolves once the object's pending writes are
 * durable (the same point the output gate waits for before letting a response out).
 */
export async function openDurableObject(storage: DurableObjectStorageLike): Promise<OpenedDb> {
  if (open.has(storage)) {
    throw new StorageError(
      "This Durable Object's storage is already open in a store. Open one store per object (in its constructor, say) and use it for every request, or close it before opening another.",
      { sqliteCode: SQLITE_BUSY },
    );
  }
  const sync = (storage as Syncable).sync;
  const driver = new DurableObjectDriver(storage);
  open.add(storage);
  const opened: OpenedDb = { driver, storage: 'durable-object', release: () => open.delete(storage) };
  if (typeof sync === 'function') opened.persist = () => sync.call(storage);
  return opened;
}
