/**
 * The names of the origin's databases, for listStores(): OPFS directories
 * are named by a hash (see pool-slug.ts), so the names are kept in an
 * IndexedDB database of their own. A name is written when its database
 * opens on OPFS or IndexedDB, and removed by deleteStore().
 */

import { singleStoreDatabase } from './idb-database.js';

const run = singleStoreDatabase('flowstore-stores', 'names');

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
