/**
 * Opens an IndexedDB database of one object store, once per thread: the
 * same connection serves every later call. If the browser closes it (storage
 * cleared) or another context upgrades it, the next call opens it anew.
 */
export function cachedDatabase(name: string, store: string): () => Promise<IDBDatabase> {
  let opening: Promise<IDBDatabase> | undefined;
  return () => {
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
}
