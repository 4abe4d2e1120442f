import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, StorageError, type Store } from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';

// On the page's own thread there are no OPFS sync access handles (they exist
// only in dedicated workers): the same situation as a browser without OPFS.
describe('storage "auto" without OPFS', () => {
  const open: Store[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('falls back to IndexedDB snapshots, says so in store.storage, warns once, and keeps data across reopen', async () => {
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
