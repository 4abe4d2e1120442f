/**
 * Directory handles of table dumps, kept in IndexedDB (the one place a
 * FileSystemDirectoryHandle can be stored) so a folder the user picked is
 * still known after a reload, to this tab's worker and to the next leader's,
 * and to the page, which asks the browser for access to it again.
 * Keyed by [database name, table name].
 */

import { singleStoreDatabase } from './idb-database.js';

/**
 * `value` as the File System API's own handle type, if it is one. Here and not
 * in table-dump.ts, whose declarations are public and must not name DOM types.
 */
export function fileSystemDirectory(value: unknown): FileSystemDirectoryHandle | undefined {
  return typeof FileSystemDirectoryHandle !== 'undefined' && value instanceof FileSystemDirectoryHandle ? value : undefined;
}

const run = singleStoreDatabase('flowstore-dump-dirs', 'handles');

/** Keeps `handle` as the dump directory of table `table` of database `dbName`. */
export async function saveDumpHandle(dbName: string, table: string, handle: FileSystemDirectoryHandle): Promise<void> {
  await run('readwrite', (store) => store.put(handle, [dbName, table]), 'strict');
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
  await run('readwrite', (store) => store.delete(IDBKeyRange.bound([dbName, ''], [dbName, '\uffff'])), 'strict');
}
