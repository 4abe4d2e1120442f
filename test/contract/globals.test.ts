import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

describe.each(backends)('globals ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  // Cases under keys of their own (freshName) share one store; the two-database case opens its own.
  const shared = sharedStore(backend);

  it('returns what was put', async () => {
    const store = await shared();
    const key = freshName('key');
    await store.globals.put(key, { global: true });
    expect(await store.globals.get(key)).toEqual({ global: true });
  });

  it('put is write-once: a second put fails and keeps the first value', async () => {
    const store = await shared();
    const key = freshName('key');
    await store.globals.put(key, 1);
    await expect(store.globals.put(key, 2)).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await store.globals.get(key)).toBe(1);
  });

  it('answers undefined for a key never written', async () => {
    const store = await shared();
    const key = freshName('key');
    expect(await store.globals.get(key)).toBeUndefined();
  });

  it('keeps globals and outputs apart', async () => {
    const store = await shared();
    const [n, r] = [freshName('n'), freshName('r')];
    await store.outputs.put(r, n, 'output');
    await store.globals.put(r, 'global');
    await store.globals.put(n, 'other');
    expect(await store.outputs.get(r, n)).toBe('output');
    expect(await store.globals.get(r)).toBe('global');
  });

  it('upsert creates, then overwrites', async () => {
    const store = await shared();
    const key = freshName('key');
    await store.globals.upsert(key, { version: 1 });
    expect(await store.globals.get(key)).toEqual({ version: 1 });
    await store.globals.upsert(key, { version: 2 });
    expect(await store.globals.get(key)).toEqual({ version: 2 });
  });

  it('put stays write-once for a key that upsert created', async () => {
    const store = await shared();
    const key = freshName('key');
    await store.globals.upsert(key, 'first');
    await store.globals.upsert(key, 'second');
    await expect(store.globals.put(key, 'third')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await store.globals.get(key)).toBe('second');
  });

  it('takes any string as a key: spaces, unicode, slashes, quotes, empty', async () => {
    const store = await shared();
    const keys = ['key with spaces', 'unicode: 你好世界 🌍', 'slashes/and\\backslashes', `quotes"and'apostrophes`, ''];
    for (const [i, key] of keys.entries()) {
      await store.globals.put(key, i);
      expect(await store.globals.get(key)).toBe(i);
    }
    for (const [i, key] of keys.entries()) expect(await store.globals.get(key)).toBe(i);
  });

  it('refuses a key that is not a string, and a value that is not JSON', async () => {
    const store = await shared();
    const key = freshName('key');
    await expect(store.globals.put(7 as never, 1)).rejects.toMatchObject({ code: 'VALIDATION', path: 'key' });
    await expect(store.globals.upsert(key, { f: Symbol('s') } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'value.f' });
    expect(await store.globals.get(key)).toBeUndefined();
  });

  it('keeps two stores of different databases apart', async () => {
    const a = await stores.open();
    const b = await stores.open();
    await a.outputs.put('r', 'n', 'only in a');
    await a.globals.put('g', 'only in a');
    expect(await b.outputs.get('r', 'n')).toBeUndefined();
    expect(await b.globals.get('g')).toBeUndefined();
  });
});
