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

// Each open gets a file of its own, named by a counter (a store's name could be longer than
// a VFS path): a database reloaded after a failed save never meets the old file.
let opens = 0;

/**
 * The IndexedDB fallback: the database file is in memory (page-vfs.ts),
 * loaded from IndexedDB chunks, and after each commit the chunks it changed
 * are saved in one durable IndexedDB transaction (a write costs what it
 * changed, not the database's size). Group commit keeps one save per batch.
 */
export async function openIdb(name: string): Promise<OpenedDb> {
  const [sqlite3, saved] = await Promise.all([loadSqlite(), loadSaved(name)]);
  const { file } = saved;
  let savedSize = saved.size;
  const files = pageVfs(sqlite3);
  const path = `/idb-${++opens}`;
  files.provide(path, file);
  let driver: WasmDriver | undefined;
  const persist = async (): Promise<void> => {
    if (!file.changed()) return;
    // Taken before any await: the save holds exactly this commit's state.
    const changes = file.takeChanges();
    const before = savedSize;
    const dropFrom = changes.size < savedSize ? Math.ceil(changes.size / CHUNK) : undefined;
    savedSize = changes.size;
    try {
      await savePages(name, changes.size, changes.chunks, dropFrom);
    } catch (err) {
      // Not saved: the next save must write these chunks (and drop what this one would have).
      file.giveBack(changes);
      savedSize = before;
      throw err;
    }
  };
  try {
    const db = new sqlite3.oo1.DB({ filename: path, flags: 'c', vfs: PAGE_VFS });
    driver = new WasmDriver(sqlite3, db);
    // The journal only serves rollbacks (a crash loses memory, not a half-saved commit: each
    // save is one IndexedDB transaction), and nobody else opens the file.
    driver.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON');
    // Saved whole by an earlier flowstore: saved again as chunks before that image goes.
    if (saved.legacy) await persist();
  } catch (err) {
    driver?.close();
    files.remove(path);
    throw err;
  }
  if (saved.legacy || saved.leftover) await forgetImage(name);
  return { driver, storage: 'idb', release: () => files.remove(path), persist };
}

/**
 * The saved file of `name`: its chunks, else an earlier version's whole
 * image (legacy: to be saved as chunks), else empty; `leftover` when both
 * exist (the chunks are newer: the image is what a migration did not get to remove).
 */
async function loadSaved(name: string): Promise<{ file: PageFile; size: number; legacy?: boolean; leftover?: boolean }> {
  const [pages, image] = await Promise.all([loadPages(name), loadImage(imageKey(name))]);
  if (pages) {
    const { size, chunks } = pages;
    if (chunks.length !== Math.ceil(size / CHUNK) || chunks.some((c) => !(c instanceof Uint8Array) || c.byteLength !== CHUNK)) {
      throw new StorageError(
        `The IndexedDB copy of database "${name}" is incomplete (${chunks.length} chunks for ${size} bytes); it was changed outside flowstore. Delete the store with deleteStore() or import a saved export.`,
      );
    }
    return { file: PageFile.from(size, chunks), size, leftover: image !== undefined };
  }
  const file = new PageFile();
  if (!image || image.byteLength === 0) return { file, size: 0 };
  file.write(image, 0);
  return { file, size: 0, legacy: true };
}

const imageKey = (name: string) => `db:${name}`;

/** Removes the whole image of an earlier flowstore once the chunks are saved; if that fails, the next open tries again. */
async function forgetImage(name: string): Promise<void> {
  await deleteImage(imageKey(name)).catch(() => {});
}
