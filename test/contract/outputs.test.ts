import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ValidationError } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

/** `levels` objects, each inside the one before. */
function nest(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

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

  it('stores its own copy: changing the value after put, or a value read back, changes nothing stored', async () => {
    const store = await shared();
    const r = freshName('r');
    const value = { list: [1, 2], nested: { n: 1 } };
    // A "__proto__" key and a Proxy take the full snapshot rather than the plain-JSON copy.
    const odd = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, { x: number }>;
    const proxied = new Proxy({ list: [1] }, {});
    const puts = [store.outputs.put(r, 'plain', value), store.outputs.put(r, 'odd', odd), store.outputs.put(r, 'proxy', proxied)];
    // Before the batch runs (same tick), then after it resolved.
    value.list.push(3);
    value.nested.n = 2;
    odd['__proto__']!.x = 2;
    proxied.list.push(2);
    await Promise.all(puts);
    (value as Record<string, unknown>).extra = true;
    const read = (await store.outputs.get(r, 'plain')) as typeof value;
    read.list.push(9);
    expect(await store.outputs.get(r, 'plain')).toStrictEqual({ list: [1, 2], nested: { n: 1 } });
    expect(await store.outputs.get(r, 'odd')).toStrictEqual(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(await store.outputs.get(r, 'proxy')).toStrictEqual({ list: [1] });
  });

  it('refuses bad values in the middle of 300 concurrent puts alone, each naming its path, and commits the rest', async () => {
    const store = await shared();
    const burst = freshName('burst');
    const cyclic: Record<string, unknown> = { a: [1] };
    cyclic.self = cyclic;
    const bad = new Map<number, [unknown, string]>([
      [50, [{ a: { b: undefined } }, 'value.a.b']],
      [150, [cyclic, 'value.self']],
      [151, [{ x: [0, Number.NaN] }, 'value.x[1]']],
      [299, [nest(200), `value${'.a'.repeat(128)}`]],
    ]);
    const puts = Array.from({ length: 300 }, (_, i) => store.outputs.put(burst, `n${i}`, (bad.get(i)?.[0] ?? { i }) as never));
    const settled = await Promise.allSettled(puts);
    expect(settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []))).toEqual([...bad.keys()]);
    for (const [i, [, path]] of bad) {
      const err = (settled[i] as PromiseRejectedResult).reason as unknown;
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'VALIDATION', path });
    }
    const kept = (await store.outputs.keys(burst)).map((k) => Number(k.slice(1)));
    expect(kept).toEqual(Array.from({ length: 300 }, (_, i) => i).filter((i) => !bad.has(i)));
    expect(await store.outputs.get(burst, 'n149')).toEqual({ i: 149 });
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
