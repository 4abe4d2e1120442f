/**
 * The names of the origin's databases, for listStores(): OPFS directories
 * are named by a hash (see pool-slug.ts), so the names are kept in an
 * IndexedDB database of their own. A name is written when its database
 * opens on OPFS or IndexedDB, and removed by deleteStore().
 */

import { cachedDatabase } from './idb-database.js';

const DB_NAME = 'flowstore-stores';

const database = cachedDatabase(DB_NAME, 'names');

function run<T>(mode: IDBTransactionMode, body: (names: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  return database().then(
    (db) =>
      new Promise<T | undefined>((resolve, reject) => {
        const tx = db.transaction('names', mode);
        const req = body(tx.objectStore('names'));
        tx.oncomplete = () => resolve(req ? req.result : undefined);
        tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
      }),
  );
}

/** Notes that database `name` exists here. */
export async function registerStore(name: string): Promise<void> {
  await run('readwrite', (names) => names.put({ name }, name));
}

/** Forgets database `name`. */
export async function forgetStore(name: string): Promise<void> {
  await run('readwrite', (names) => names.delete(name));
}

/** Every registered database name. */
export async function registeredStores(): Promise<string[]> {
  return ((await run('readonly', (names) => names.getAllKeys())) ?? []).map(String);
}
