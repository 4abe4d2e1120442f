// The README's Durable Object example, exactly as written there, in workerd through
// miniflare, with the Durable Object's SQLite storage persisted to a directory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, expect, it } from 'vitest';
import { bundleWorker } from '../workerd/bundle.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### In a Cloudflare Durable Object'));
const example = /```ts\n([\s\S]*?)\n```/.exec(section)![1]!;

const dir = mkdtempSync(join(tmpdir(), 'flowstore-do-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'worker.ts'), example);
const modules = await bundleWorker(join(dir, 'worker.ts'));

/** miniflare running the example, its Durable Objects kept in `dir`/objects. */
function start(): Miniflare {
  return new Miniflare({
    modules,
    compatibilityDate: '2026-07-01',
    durableObjects: { RUNS: { className: 'Run', useSQLite: true } },
    durableObjectsPersist: join(dir, 'objects'),
  });
}

async function call(mf: Miniflare, path: string, body?: string): Promise<unknown> {
  const response = await mf.dispatchFetch(`http://example${path}`, body === undefined ? {} : { method: 'POST', body });
  expect(response.status).toBe(200);
  return response.json();
}

it('runs the README example: a waiting tail woken by an append to the same object; outputs and frames kept across a restart', async () => {
  const first = start();
  try {
    const waiting = call(first, '/wait?after=0');
    let answered = false;
    void waiting.then(() => (answered = true));
    // A round trip to the same object, sent after the tail: the tail has not answered by its end.
    expect(await call(first, '/put?node=fetch', '{"status":200}')).toEqual(['fetch']);
    expect(answered).toBe(false);
    const appended = await call(first, '/log', 'hello');
    expect(appended).toMatchObject({ seq: 1, data: 'hello', mode: 'durable' });
    expect(await waiting).toEqual({ frames: [appended] });
  } finally {
    await first.dispose();
  }

  const second = start();
  try {
    expect(await call(second, '/put?node=parse', '{"ok":true}')).toEqual(['fetch', 'parse']);
    expect(await call(second, '/wait?after=0')).toMatchObject({ frames: [{ seq: 1, data: 'hello' }] });
    const page = call(second, '/wait?after=1');
    const next = await call(second, '/log', 'after the restart');
    expect(next).toMatchObject({ seq: 2 });
    expect(await page).toEqual({ frames: [next] });
  } finally {
    await second.dispose();
  }
});
