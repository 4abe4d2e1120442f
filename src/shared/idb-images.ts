/**
 * Database images in IndexedDB. Writes ask for strict durability: Chromium
 * (since 121), Firefox and Safari default to relaxed, where "complete" fires
 * before the data reaches the disk — not good enough for a resolved write.
 */

import { cachedDatabase } from './idb-database.js';

const database = cachedDatabase('flowstore', 'images');

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
