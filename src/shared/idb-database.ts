/** Runs one request on the store in a transaction; resolves with its result once the transaction completed. */
export type StoreRun = <T>(
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => IDBRequest<T> | void,
  durability?: IDBTransactionDurability,
) => Promise<T | undefined>;

/**
 * An IndexedDB database of one object store, opened once per thread: the
 * same connection serves every later call. If the browser closes it (storage
 * cleared) or another context upgrades it, the next call opens it anew.
 * Writes that must be on disk when they resolve ask for 'strict' durability:
 * Chromium (since 121), Firefox and Safari default to relaxed, where
 * "complete" fires before the data reaches the disk.
 */
export function singleStoreDatabase(name: string, store: string): StoreRun {
  let opening: Promise<IDBDatabase> | undefined;
  const database = () => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(store);
      req.onsuccess = () => {
        const db = req.result;
        const forget = () => {
          db.close();
          opening = undefined;
        };
        db.onclose = forget;
        db.onversionchange = forget;
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    });
    opening.catch(() => (opening = undefined));
    return opening;
  };
  return async (mode, body, durability) => {
    const tx = (await database()).transaction(store, mode, durability && { durability });
    const req = body(tx.objectStore(store));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
    });
  };
}
