// One store per Durable Object: a second store on the storage of an object whose store is
// open would count versions of its own and miss the first one's writes, so it is refused.
import { Miniflare } from 'miniflare';
import { expect, it } from 'vitest';
import { bundleWorker } from '../workerd/bundle.js';

it('refuses a second store on a Durable Object whose store is open, with SQLITE_BUSY, and opens one once that closed', async () => {
  const mf = new Miniflare({
    modules: await bundleWorker(new URL('../workerd/one-store-worker.ts', import.meta.url).pathname),
    compatibilityDate: '2026-07-01',
    durableObjects: { TWICE: { className: 'Twice', useSQLite: true } },
  });
  try {
    const response = await mf.dispatchFetch('http://twice/');
    expect(response.status).toBe(200);
    const { second, value } = (await response.json()) as {
      second: { name?: string; sqliteCode?: number; message?: string };
      value: unknown;
    };
    expect(second).toMatchObject({ name: 'StorageError', sqliteCode: 5 });
    expect(second.message).toContain('already open in a store');
    expect(value).toBe(1);
  } finally {
    await mf.dispose();
  }
});
