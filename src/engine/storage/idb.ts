import { StorageError } from '../../shared/errors.js';
import { deleteImage, loadImage, loadPages, savePages } from './idb-saves.js';
import { WasmDriver } from './drivers/wasm.js';
import { loadSqlite } from './load-sqlite.js';
import type { OpenedDb } from './opened-db.js';
import { CHUNK, PageFile } from './page-file.js';
import { PAGE_VFS, pageVfs } from './page-vfs.js';

/** True where IndexedDB exists (every browser thread; not Node). */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

// Each open gets a file name of its own: a database reloaded after a failed save never meets the old file.
let opens = 0;

/**
 * The IndexedDB fallback: the database file is in memory (page-vfs.ts),
 * loaded from IndexedDB chunks, and after each commit the chunks it changed
 * are saved in one durable IndexedDB transaction (a write costs what it
 * changed, not the database's size). Group commit keeps one save per batch.
 */
export async function openIdb(name: string): Promise<OpenedDb> {
  const [sqlite3, saved] = await Promise.all([loadSqlite(), loadSaved(name)]);
  const { file, legacy } = saved;
  let savedSize = saved.size;
  const files = pageVfs(sqlite3);
  const path = `/${++opens}/${encodeURIComponent(name)}`;
  files.provide(path, file);
  let driver: WasmDriver;
  try {
    const db = new sqlite3.oo1.DB({ filename: path, flags: 'c', vfs: PAGE_VFS });
    // The journal only serves rollbacks (a crash loses memory, not a half-saved commit: each
    // save is one IndexedDB transaction), and nobody else opens the file.
    db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON');
    driver = new WasmDriver(sqlite3, db);
  } catch (err) {
    files.remove(path);
    throw err;
  }
  const persist = async (): Promise<void> => {
    if (!file.changed()) return;
    // Taken before any await: the save holds exactly this commit's state.
    const { size, chunks } = file.takeChanges();
    const dropFrom = size < savedSize ? Math.ceil(size / CHUNK) : undefined;
    savedSize = size;
    await savePages(name, size, chunks, dropFrom);
  };
  if (legacy) {
    // Saved whole by an earlier flowstore: saved again as chunks, then the whole image goes.
    await persist();
    await deleteImage(`db:${name}`);
  }
  return { driver, storage: 'idb', release: () => files.remove(path), persist };
}

/** The saved file of `name` (chunks, else an earlier version's whole image, else empty) and the size saved. */
async function loadSaved(name: string): Promise<{ file: PageFile; size: number; legacy: boolean }> {
  const pages = await loadPages(name);
  if (pages) {
    const { size, chunks } = pages;
    if (chunks.length !== Math.ceil(size / CHUNK) || chunks.some((c) => !(c instanceof Uint8Array) || c.byteLength !== CHUNK)) {
      throw new StorageError(
        `The IndexedDB copy of database "${name}" is incomplete (${chunks.length} chunks for ${size} bytes); it was changed outside flowstore. Delete the store with deleteStore() or import a saved export.`,
      );
    }
    return { file: PageFile.from(size, chunks), size, legacy: false };
  }
  const file = new PageFile();
  const image = await loadImage(`db:${name}`);
  if (!image || image.byteLength === 0) return { file, size: 0, legacy: false };
  file.write(image, 0);
  return { file, size: 0, legacy: true };
}
