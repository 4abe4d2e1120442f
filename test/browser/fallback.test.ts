import { afterEach, describe, expect, it, vi } from 'vitest';
import { deleteStore, listStores, openStore, StorageError, type Store } from '../../src/in-process.js';
import { loadImage } from '../../src/shared/idb-images.js';
import { pagedNames } from '../../src/shared/idb-pages.js';
import { uniqueName } from '../support/backends.js';

// On the page's own thread there are no OPFS sync access handles (they exist
// only in dedicated workers): the same situation as a browser without OPFS.
describe('storage "auto" without OPFS', () => {
  const open: Store[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('falls back to IndexedDB, says so in store.storage, warns once, and keeps data across reopen', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const name = uniqueName('fallback');
    const first = await openStore({ name, worker: false });
    expect(first.storage).toBe('idb');
    await first.outputs.put('r', 'n', { kept: true });
    await first.close();
    const second = await openStore({ name, worker: false });
    open.push(second);
    expect(second.storage).toBe('idb');
    expect(await second.outputs.get('r', 'n')).toEqual({ kept: true });
    const warnings = warn.mock.calls.filter(([msg]) => String(msg).includes('OPFS is not available'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toContain(name);
  });

  it('refuses explicit OPFS where there is none, with a typed error', async () => {
    await expect(openStore({ name: uniqueName('no-opfs'), storage: 'opfs', worker: false })).rejects.toBeInstanceOf(StorageError);
  });

  it('lets only one in-process instance hold a persistent database at a time', async () => {
    const name = uniqueName('single');
    open.push(await openStore({ name, storage: 'idb', worker: false }));
    await expect(openStore({ name, storage: 'idb', worker: false })).rejects.toThrow(/open in another tab or store/);
  });
});

describe('IndexedDB saves of an earlier flowstore (whole images)', () => {
  /** Puts `image` where flowstore kept whole images before it saved chunks. */
  async function saveWholeImage(key: string, image: Uint8Array): Promise<void> {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('flowstore', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('images');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('images', 'readwrite', { durability: 'strict' });
      tx.objectStore('images').put(image, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }

  it('are read, saved again as chunks, and removed; the store keeps working and is listed', async () => {
    const name = uniqueName('whole-image');
    const source = await openStore({ name: uniqueName('image-source'), storage: 'memory', worker: false });
    await source.outputs.put('r', 'n', { from: 'the whole image' });
    await source.globals.upsert('g', 41);
    const image = await source.export();
    await source.close();
    await saveWholeImage(`db:${name}`, image);

    const store = await openStore({ name, storage: 'idb', worker: false });
    expect(await store.outputs.get('r', 'n')).toEqual({ from: 'the whole image' });
    await store.globals.upsert('g', 42);
    await store.close();
    expect(await loadImage(`db:${name}`)).toBeUndefined();
    expect(await pagedNames()).toContain(name);
    expect(await listStores()).toContain(name);

    const again = await openStore({ name, storage: 'idb', worker: false });
    expect(await again.outputs.get('r', 'n')).toEqual({ from: 'the whole image' });
    expect(await again.globals.get('g')).toBe(42);
    expect(await again.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    await again.close();
    await deleteStore(name);
    expect(await pagedNames()).not.toContain(name);
  });
});
