// A store in a Durable Object whose storage was used before: Cloudflare's own tables
// (the key-value API's) are no obstacle; tables of the object's own code are not flowstore's.
import { Miniflare } from 'miniflare';
import { afterAll, expect, it } from 'vitest';
import { bundleWorker } from '../workerd/bundle.js';

const modules = await bundleWorker(new URL('../workerd/foreign-worker.ts', import.meta.url).pathname);
const mf = new Miniflare({
  modules,
  compatibilityDate: '2026-07-01',
  durableObjects: { OBJECTS: { className: 'Slot', useSQLite: true } },
});
afterAll(() => mf.dispose());

async function open(before: string): Promise<Record<string, unknown>> {
  return (await (await mf.dispatchFetch(`http://objects/?before=${before}`)).json()) as Record<string, unknown>;
}

it('opens a store in an object whose key-value storage was used first, and leaves those keys alone', async () => {
  const reply = await open('kv');
  expect(reply).toMatchObject({ ok: true, kv: 'hello' });
  expect((reply.had as string[]).every((t) => t.startsWith('_cf_'))).toBe(true);
});

it("refuses an object holding tables of its own code with ValidationError, adding none of flowstore's", async () => {
  const reply = await open('table');
  expect(reply).toMatchObject({ ok: false, had: ['users'], after: ['users'], error: { name: 'ValidationError', code: 'VALIDATION' } });
  expect((reply.error as { message: string }).message).toMatch(/is not a flowstore database \(it has tables users and schema version 0\)/);
});
