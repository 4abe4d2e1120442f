/**
 * The names of the origin's databases, for listStores(): OPFS directories
 * are named by a hash (see pool-slug.ts), so the names are kept in an
 * IndexedDB database of their own. A name is written when its database
 * opens on OPFS or IndexedDB, and removed by deleteStore().
 */

const DB_NAME = 'flowstore-stores';

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('names');
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
}

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
