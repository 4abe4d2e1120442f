/**
 * Whole database images in IndexedDB, as flowstore before chunked saves kept
 * them (idb-pages.ts): read once to be saved again as chunks, then deleted.
 */

import { singleStoreDatabase } from './idb-database.js';

const images = singleStoreDatabase('flowstore', 'images');

/** The saved image of `key`, or undefined. */
export async function loadImage(key: string): Promise<Uint8Array | undefined> {
  return (await images('readonly', (store) => store.get(key))) as Uint8Array | undefined;
}

/** Removes the image of `key`, if any; resolves once IndexedDB reports it durably removed. */
export async function deleteImage(key: string): Promise<void> {
  await images('readwrite', (store) => store.delete(key), 'strict');
}

/** The keys of every saved image. */
export async function imageKeys(): Promise<string[]> {
  return ((await images('readonly', (store) => store.getAllKeys())) ?? []).map(String);
}
