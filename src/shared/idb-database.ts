/** Runs one request on the store in a transaction; resolves with its result once the transaction completed. */
export type StoreRun = <T>(
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => IDBRequest<T> | void,
  durability?: IDBTransactionDurability,
) => Promise<T | undefined>;

/** Runs `body` in one transaction over all of the database's stores; resolves with its result once the transaction completed. */
export type TransactionRun = <T>(
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => () => T,
  durability?: IDBTransactionDurability,
) => Promise<T>;

/**
 * An IndexedDB database of the given object stores, opened once per thread:
 * the same connection serves every later call. If the browser closes it
 * (storage cleared) or another context upgrades it, the next call opens it
 * anew. Writes that must be on disk when they resolve ask for 'strict'
 * durability: Chromium (since 121), Firefox and Safari default to relaxed,
 * where "complete" fires before the data reaches the disk. `body` makes the
 * requests and returns what reads their results once the transaction completed.
 */
export function idbDatabase(name: string, stores: readonly string[]): TransactionRun {
  let opening: Promise<IDBDatabase> | undefined;
  const database = () => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        for (const store of stores) req.result.createObjectStore(store);
      };
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
  return async <T>(mode: IDBTransactionMode, body: (tx: IDBTransaction) => () => T, durability?: IDBTransactionDurability) => {
    const tx = (await database()).transaction(stores, mode, durability && { durability });
    let result: () => T;
    try {
      result = body(tx);
    } catch (err) {
      // A request that could not be made must not let the ones before it commit alone.
      tx.abort();
      throw err;
    }
    return new Promise<T>((resolve, reject) => {
      tx.oncomplete = () => resolve(result());
      tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
    });
  };
}

/** An IndexedDB database of one object store (see idbDatabase), one request per transaction. */
export function singleStoreDatabase(name: string, store: string): StoreRun {
  const run = idbDatabase(name, [store]);
  return (mode, body, durability) =>
    run(
      mode,
      (tx) => {
        const req = body(tx.objectStore(store));
        return () => (req ? req.result : undefined);
      },
      durability,
    );
}
