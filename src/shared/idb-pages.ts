/**
 * The IndexedDB fallback's databases, saved as chunks: a record per database
 * (its size) and its file's chunks keyed by [database name, chunk index], in
 * one IndexedDB database so one transaction saves a commit's chunks and size
 * together. Saves and deletes resolve once they are durably committed.
 */

import { idbDatabase } from './idb-database.js';

const FILES = 'files';
const CHUNKS = 'chunks';
const run = idbDatabase('flowstore-pages', [FILES, CHUNKS]);

/** A database as saved: its size in bytes and its chunks in order. */
export type SavedPages = { size: number; chunks: Uint8Array[] };

/** The chunks of `name` from index `from` on. */
const chunksFrom = (name: string, from: number) => IDBKeyRange.bound([name, from], [name, Infinity]);

/** The saved database `name`, or undefined. */
export async function loadPages(name: string): Promise<SavedPages | undefined> {
  return run('readonly', (tx) => {
    const file = tx.objectStore(FILES).get(name);
    const chunks = tx.objectStore(CHUNKS).getAll(chunksFrom(name, 0));
    return () => {
      const saved = file.result as { size: number } | undefined;
      return saved && { size: saved.size, chunks: chunks.result as Uint8Array[] };
    };
  });
}

/**
 * Saves the chunks of `name` that changed (by index) and its size, and drops
 * saved chunks from index `dropFrom` on (a file that shrank), in one transaction.
 */
export async function savePages(name: string, size: number, changed: ReadonlyMap<number, Uint8Array>, dropFrom?: number): Promise<void> {
  await run(
    'readwrite',
    (tx) => {
      const chunks = tx.objectStore(CHUNKS);
      if (dropFrom !== undefined) chunks.delete(chunksFrom(name, dropFrom));
      for (const [index, bytes] of changed) chunks.put(bytes, [name, index]);
      tx.objectStore(FILES).put({ size }, name);
      return () => {};
    },
    'strict',
  );
}

/** Removes the saved database `name`, if any. */
export async function deletePages(name: string): Promise<void> {
  await run(
    'readwrite',
    (tx) => {
      tx.objectStore(CHUNKS).delete(chunksFrom(name, 0));
      tx.objectStore(FILES).delete(name);
      return () => {};
    },
    'strict',
  );
}

/** The names of every saved database. */
export async function pagedNames(): Promise<string[]> {
  return run('readonly', (tx) => {
    const keys = tx.objectStore(FILES).getAllKeys();
    return () => keys.result.map(String);
  });
}
