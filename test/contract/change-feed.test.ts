import { afterEach, describe, expect, it } from 'vitest';
import type { Change, Store } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';

/** Collects a store's change notices; `until` resolves once one matches. */
function record(store: Store) {
  const seen: Change[] = [];
  const waiting: { matches: (c: Change) => boolean; resolve: (c: Change) => void }[] = [];
  const off = store.onChange((change) => {
    seen.push(change);
    for (const w of [...waiting]) {
      if (!w.matches(change)) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(change);
    }
  });
  return {
    seen,
    off,
    until(matches: (c: Change) => boolean): Promise<Change> {
      const found = seen.find(matches);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push({ matches, resolve }));
    },
  };
}

describe.each(backends)('store.onChange ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('fires after an output is put', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.outputs.put('run', 'node', 1);
    expect(await log.until((c) => c.module === 'outputs')).toEqual({
      module: 'outputs',
      key: '["run","node"]',
      version: expect.any(Number),
    });
  });

  it('fires after globals are put and upserted', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.globals.put('a', 1);
    await store.globals.upsert('b', 2);
    await log.until((c) => c.key === 'b');
    expect(log.seen.filter((c) => c.module === 'globals').map((c) => c.key)).toEqual(['a', 'b']);
  });

  it('fires after a record is appended, with its seq', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.records.append({ taskId: 't', attempt: 2, producer: 'p', event: {} });
    expect(await log.until((c) => c.module === 'records')).toEqual({
      module: 'records',
      key: '["t",2]',
      seq: 1,
      version: expect.any(Number),
    });
  });

  it('fires after a stream frame is appended', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.streams.append('s', { data: 1 });
    expect(await log.until((c) => c.module === 'streams')).toMatchObject({ key: '["s",0]', seq: 1 });
  });

  it('numbers commits with an increasing version', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.globals.upsert('k', 1);
    await store.globals.upsert('k', 2);
    await store.globals.upsert('k', 3);
    await log.until(() => log.seen.length === 3);
    const versions = log.seen.map((c) => c.version);
    expect(versions[0]! < versions[1]! && versions[1]! < versions[2]!).toBe(true);
  });

  it('says nothing about a write that failed', async () => {
    const store = await stores.open();
    const log = record(store);
    await store.outputs.put('r', 'n', 1);
    await expect(store.outputs.put('r', 'n', 2)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await store.globals.upsert('after', true);
    await log.until((c) => c.key === 'after');
    expect(log.seen.map((c) => `${c.module}:${c.key}`)).toEqual(['outputs:["r","n"]', 'globals:after']);
  });

  it('stops calling a listener once it unsubscribed', async () => {
    const store = await stores.open();
    const removed: Change[] = [];
    const off = store.onChange((c) => removed.push(c));
    const log = record(store);
    await store.globals.upsert('first', 1);
    await log.until((c) => c.key === 'first');
    expect(removed.map((c) => c.key)).toEqual(['first']);
    off();
    await store.globals.upsert('second', 2);
    // Both listeners get each notice in the same dispatch, so once `log` has it, `removed` would have too.
    await log.until((c) => c.key === 'second');
    expect(removed.map((c) => c.key)).toEqual(['first']);
  });
});
