import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ValidationError } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

describe.each(backends)('outputs ($label)', (backend) => {
  // Every case writes under run ids of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  it('returns what was put, deep-equal', async () => {
    const store = await shared();
    const r = freshName('r');
    const value = { key: 'value', num: 42 };
    await store.outputs.put(r, 'n1', value);
    expect(await store.outputs.get(r, 'n1')).toEqual(value);
  });

  it('refuses a second put of the same (run, node) and keeps the first value', async () => {
    const store = await shared();
    const r = freshName('r');
    await store.outputs.put(r, 'n', { original: true });
    const second = store.outputs.put(r, 'n', { original: false });
    await expect(second).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(second).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await store.outputs.get(r, 'n')).toEqual({ original: true });
  });

  it('keys a value by the pair: other nodes and other runs do not collide', async () => {
    const store = await shared();
    const [r, r2] = [freshName('r'), freshName('r')];
    await store.outputs.put(r, 'n1', 'a');
    await store.outputs.put(r, 'n2', 'b');
    await store.outputs.put(r2, 'n1', 2);
    expect(await store.outputs.get(r, 'n1')).toBe('a');
    expect(await store.outputs.get(r, 'n2')).toBe('b');
    expect(await store.outputs.get(r2, 'n1')).toBe(2);
  });

  it('round-trips nested JSON, null fields, floats, empty containers', async () => {
    const store = await shared();
    const r = freshName('r');
    const value = { nested: { deep: { value: [1, 2, 3] } }, null_field: null, float: 1.234, bool: true, empty_array: [], empty_object: {} };
    await store.outputs.put(r, 'n', value);
    expect(await store.outputs.get(r, 'n')).toStrictEqual(value);
  });

  it('keeps a stored null distinct from a missing value', async () => {
    const store = await shared();
    const r = freshName('r');
    await store.outputs.put(r, 'n', null);
    expect(await store.outputs.get(r, 'n')).toBeNull();
    expect(await store.outputs.get(r, 'missing')).toBeUndefined();
  });

  it('round-trips the empty string and a 1 MB value', async () => {
    const store = await shared();
    const r = freshName('r');
    await store.outputs.put(r, 'empty', '');
    const big = { data: 'x'.repeat(1_000_000) };
    await store.outputs.put(r, 'big', big);
    expect(await store.outputs.get(r, 'empty')).toBe('');
    expect(await store.outputs.get(r, 'big')).toEqual(big);
  });

  it('lists node ids of a run in write order, scoped to that run', async () => {
    const store = await shared();
    const [r, r2] = [freshName('r'), freshName('r')];
    expect(await store.outputs.keys(r)).toEqual([]);
    await store.outputs.put(r, 'n3', 3);
    await store.outputs.put(r, 'n1', 1);
    await store.outputs.put(r2, 'x', 0);
    await store.outputs.put(r, 'n2', 2);
    expect(await store.outputs.keys(r)).toEqual(['n3', 'n1', 'n2']);
    expect(await store.outputs.keys(r2)).toEqual(['x']);
  });

  it('answers 8 concurrent reads after a write', async () => {
    const store = await shared();
    const r = freshName('r');
    await store.outputs.put(r, 'n', { concurrent: true });
    const reads = await Promise.all(Array.from({ length: 8 }, () => store.outputs.get(r, 'n')));
    expect(reads).toEqual(Array(8).fill({ concurrent: true }));
  });

  it('of 500 concurrent puts plus 20 duplicates, fails exactly the duplicates', async () => {
    const store = await shared();
    const r = freshName('r');
    const calls = [];
    for (let i = 0; i < 500; i++) calls.push(store.outputs.put(r, `n${i}`, i));
    for (let i = 0; i < 20; i++) calls.push(store.outputs.put(r, `n${i * 7}`, -1));
    const settled = await Promise.allSettled(calls);
    const failed = settled.map((s, i) => [s, i] as const).filter(([s]) => s.status === 'rejected');
    expect(failed.map(([, i]) => i)).toEqual(Array.from({ length: 20 }, (_, i) => 500 + i));
    for (const [s] of failed) expect((s as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyExistsError);
    expect(await store.outputs.keys(r)).toHaveLength(500);
    expect(await store.outputs.get(r, 'n7')).toBe(7);
  });

  it.each([
    ['undefined', undefined, 'value'],
    ['a function', () => 1, 'value'],
    ['NaN', { a: [1, Number.NaN] }, 'value.a[1]'],
    ['Infinity', { x: Infinity }, 'value.x'],
    ['a BigInt', { n: 10n }, 'value.n'],
    ['a Date', { when: new Date(0) }, 'value.when'],
    ['a Map', new Map(), 'value'],
    ['a nested undefined', { a: { b: undefined } }, 'value.a.b'],
    ['a class instance', { c: new (class Point {})() }, 'value.c'],
  ])('refuses %s with a ValidationError naming the path, and writes nothing', async (_label, bad, path) => {
    const store = await shared();
    const r = freshName('r');
    const put = store.outputs.put(r, 'n', bad as never);
    await expect(put).rejects.toBeInstanceOf(ValidationError);
    await expect(put).rejects.toMatchObject({ code: 'VALIDATION', path });
    expect(await store.outputs.get(r, 'n')).toBeUndefined();
    expect(await store.outputs.keys(r)).toEqual([]);
  });

  it('refuses a cyclic value', async () => {
    const store = await shared();
    const r = freshName('r');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.outputs.put(r, 'n', cyclic as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'value.self' });
  });

  it('refuses empty ids', async () => {
    const store = await shared();
    const r = freshName('r');
    await expect(store.outputs.put('', 'n', 1)).rejects.toMatchObject({ code: 'VALIDATION', path: 'runId' });
    await expect(store.outputs.get(r, '')).rejects.toMatchObject({ code: 'VALIDATION', path: 'nodeId' });
  });
});
