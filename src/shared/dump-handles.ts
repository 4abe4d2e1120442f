/**
 * Directory handles of table dumps, kept in IndexedDB (the one place a
 * FileSystemDirectoryHandle can be stored) so a folder the user picked is
 * still known after a reload, to this tab's worker and to the next leader's,
 * and to the page, which asks the browser for access to it again.
 * Keyed by [database name, table name].
 */

/**
 * `value` as the File System API's own handle type, if it is one. Here and not
 * in table-dump.ts, whose declarations are public and must not name DOM types.
 */
export function fileSystemDirectory(value: unknown): FileSystemDirectoryHandle | undefined {
  return typeof FileSystemDirectoryHandle !== 'undefined' && value instanceof FileSystemDirectoryHandle ? value : undefined;
}

const DB_NAME = 'flowstore-dump-dirs';
const STORE = 'handles';

function database(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await database();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode, { durability: 'strict' });
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
    });
  } finally {
    db.close();
  }
}

/** Keeps `handle` as the dump directory of table `table` of database `dbName`. */
export async function saveDumpHandle(dbName: string, table: string, handle: FileSystemDirectoryHandle): Promise<void> {
  await run('readwrite', (store) => store.put(handle, [dbName, table]));
}

/** The kept dump directory of a table, if any. */
export async function loadDumpHandle(dbName: string, table: string): Promise<FileSystemDirectoryHandle | undefined> {
  if (typeof indexedDB === 'undefined') return undefined;
  return (await run('readonly', (store) => store.get([dbName, table]))) as FileSystemDirectoryHandle | undefined;
}

/** Forgets every kept dump directory of database `dbName` (deleteStore). */
export async function forgetDumpHandles(dbName: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  // Keys are [dbName, table]: every table name sorts between '' and a string above any character.
  await run('readwrite', (store) => store.delete(IDBKeyRange.bound([dbName, ''], [dbName, '\uffff'])));
}
