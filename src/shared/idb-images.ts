/**
 * Database images in IndexedDB. Writes ask for strict durability: Chromium
 * (since 121), Firefox and Safari default to relaxed, where "complete" fires
 * before the data reaches the disk — not good enough for a resolved write.
 */

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('flowstore', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('images');
    req.onsuccess = () => {
      const db = req.result;
      // If the browser closes it (storage cleared) or another context upgrades it, open anew next time.
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

function done<T>(tx: IDBTransaction, result: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    tx.oncomplete = () => resolve(result());
    tx.onabort = tx.onerror = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
  });
}

/** The saved image of `key`, or undefined. */
export async function loadImage(key: string): Promise<Uint8Array | undefined> {
  const tx = (await database()).transaction('images', 'readonly');
  const req = tx.objectStore('images').get(key);
  return done(tx, () => req.result as Uint8Array | undefined);
}

/** Removes the image of `key`, if any; resolves once IndexedDB reports it durably removed. */
export async function deleteImage(key: string): Promise<void> {
  const tx = (await database()).transaction('images', 'readwrite', { durability: 'strict' });
  tx.objectStore('images').delete(key);
  return done(tx, () => undefined);
}

/** The keys of every saved image. */
export async function imageKeys(): Promise<string[]> {
  const tx = (await database()).transaction('images', 'readonly');
  const req = tx.objectStore('images').getAllKeys();
  return done(tx, () => req.result.map(String));
}

/** Saves `image` under `key`; resolves once IndexedDB reports it durably committed. */
export async function saveImage(key: string, image: Uint8Array): Promise<void> {
  const tx = (await database()).transaction('images', 'readwrite', { durability: 'strict' });
  tx.objectStore('images').put(image, key);
  return done(tx, () => undefined);
}
