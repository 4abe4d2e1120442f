import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { ValidationError, type Store } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

// Issue 13, items 1–3: values that cannot be cloned, deep nesting, lone surrogates.

const TODO = { fields: { title: { type: 'string', required: true }, done: { type: 'boolean' } } } as const;

/** `levels` arrays or objects, each inside the one before. */
function nest(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

function throwingProxy(trap: 'get' | 'ownKeys' | 'getPrototypeOf'): object {
  return new Proxy(
    { a: 1 },
    {
      [trap]: () => {
        throw new Error(`${trap} trap`);
      },
    },
  );
}

function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** Runs `hostile` and a valid sibling in one tick: the sibling succeeds, the hostile call is refused with a ValidationError. */
async function refusedBesideSibling(store: Store, sibling: string, hostile: () => Promise<unknown>): Promise<ValidationError> {
  const [ok, bad] = await Promise.allSettled([store.globals.upsert(sibling, { sibling: true }), hostile()]);
  expect(ok.status).toBe('fulfilled');
  expect(bad.status).toBe('rejected');
  const err = (bad as PromiseRejectedResult).reason as unknown;
  expect(err).toBeInstanceOf(ValidationError);
  expect(await store.globals.get(sibling)).toEqual({ sibling: true });
  return err as ValidationError;
}

describe.each(backends)('hostile input ($label)', (backend) => {
  // Every case writes under names of its own (freshName: run, stream, task, table, keys), so all share one store.
  const shared = sharedStore(backend);

  describe('values that structured clone refuses', () => {
    it('stores a bare Proxy over plain data as its snapshot, and the write beside it in the same tick is kept', async () => {
      const store = await shared();
      const r = freshName('r');
      const results = await Promise.allSettled([
        store.outputs.put(r, 'sib', 1),
        store.outputs.put(r, 'p2', new Proxy({ a: 1 }, {}) as never),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await store.outputs.get(r, 'sib')).toBe(1);
      expect(await store.outputs.get(r, 'p2')).toStrictEqual({ a: 1 });
    });

    it('stores Vue reactive() objects as their plain snapshot in every module, beside a valid sibling', async () => {
      const store = await shared();
      const [r, s, t, table] = [freshName('r'), freshName('s'), freshName('t'), freshName('table')];
      const todos = await store.table(table, TODO);
      const state = reactive({ count: 2, list: [1, { b: 'x' }], nested: { c: null as null } });
      const plain = { count: 2, list: [1, { b: 'x' }], nested: { c: null } };
      const [sib, out, glob, rec, frame, row] = await Promise.all([
        store.globals.upsert('sibling', 'kept'),
        store.outputs.put(r, 'vue', state as never),
        store.globals.upsert('vue', state as never),
        store.records.append(reactive({ taskId: t, attempt: 0, producer: 'vue', event: state }) as never),
        store.streams.append(s, reactive({ kind: 'k', data: state }) as never),
        todos.create(reactive({ title: 'reactive row', done: false, extra: state }) as never),
      ]);
      expect(sib).toBeUndefined();
      expect(out).toBeUndefined();
      expect(glob).toBeUndefined();
      expect(await store.outputs.get(r, 'vue')).toStrictEqual(plain);
      expect(await store.globals.get('vue')).toStrictEqual(plain);
      expect((await store.records.get(rec)).event).toStrictEqual(plain);
      expect(frame.seq).toBe(1);
      expect((await store.streams.read(s)).frames[0]!.data).toStrictEqual(plain);
      expect((await todos.get(row.id)).data).toStrictEqual({ title: 'reactive row', done: false, extra: plain });
      const updated = await todos.update(row.id, reactive({ done: true, extra: reactive([1, 2]) }) as never);
      expect(updated.data).toStrictEqual({ title: 'reactive row', done: true, extra: [1, 2] });
      expect(await store.globals.get('sibling')).toBe('kept');
    });

    it('stores what a value held when the call was made, not what it holds later in the same tick', async () => {
      const store = await shared();
      const s = freshName('s');
      const state = reactive({ step: 1 });
      const bytes = new Uint8Array([7, 8, 9]);
      const writes = Promise.all([store.globals.upsert('state', state as never), store.streams.append(s, { data: bytes })]);
      state.step = 2;
      // Transferring the buffer right after the call detaches the caller's bytes, not the frame's.
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      await writes;
      expect(await store.globals.get('state')).toStrictEqual({ step: 1 });
      expect((await store.streams.read(s)).frames[0]!.data).toStrictEqual(new Uint8Array([7, 8, 9]));
    });

    it('copies bytes of a Uint8Array subclass (Node’s Buffer, where there is one) when the call is made', async () => {
      const store = await shared();
      const s = freshName('s');
      class Bytes extends Uint8Array {}
      const bytes = typeof Buffer === 'undefined' ? Bytes.from([1, 2, 3]) : Buffer.from([1, 2, 3]);
      const append = store.streams.append(s, { data: bytes });
      bytes[0] = 9;
      await append;
      expect((await store.streams.read(s)).frames[0]!.data).toStrictEqual(new Uint8Array([1, 2, 3]));
    });

    it('refuses a Proxy whose trap throws with a ValidationError in a value position, and the sibling succeeds', async () => {
      const store = await shared();
      const [r, s, t, table] = [freshName('r'), freshName('s'), freshName('t'), freshName('table')];
      const todos = await store.table(table, TODO);
      for (const trap of ['get', 'ownKeys', 'getPrototypeOf'] as const) {
        await refusedBesideSibling(store, `o-${trap}`, () => store.outputs.put(r, trap, throwingProxy(trap) as never));
        await refusedBesideSibling(store, `g-${trap}`, () => store.globals.upsert(trap, { inner: throwingProxy(trap) } as never));
        await refusedBesideSibling(store, `r-${trap}`, () =>
          store.records.append({ taskId: t, attempt: 0, producer: 'p', event: throwingProxy(trap) as never }),
        );
        await refusedBesideSibling(store, `s-${trap}`, () => store.streams.append(s, { data: [throwingProxy(trap)] as never }));
        await refusedBesideSibling(store, `t-${trap}`, () => todos.create({ title: 'x', extra: throwingProxy(trap) } as never));
      }
      expect(await store.outputs.keys(r)).toEqual([]);
      expect(await todos.count()).toBe(0);
    });

    it('refuses a Proxy whose trap throws with a ValidationError when it is the whole argument (record, row, frame, query, schema)', async () => {
      const store = await shared();
      const [s, table] = [freshName('s'), freshName('table')];
      const todos = await store.table(table, TODO);
      for (const trap of ['get', 'ownKeys', 'getPrototypeOf'] as const) {
        const p = throwingProxy(trap) as never;
        await refusedBesideSibling(store, `rec-${trap}`, () => store.records.append(p));
        await refusedBesideSibling(store, `row-${trap}`, () => todos.create(p));
        await refusedBesideSibling(store, `patch-${trap}`, () => todos.update('00000000', p));
        await refusedBesideSibling(store, `frame-${trap}`, () => store.streams.append(s, p));
        await refusedBesideSibling(store, `tail-${trap}`, () => store.streams.tail(s, p));
        await refusedBesideSibling(store, `list-${trap}`, () => todos.list(p));
        await refusedBesideSibling(store, `batch-${trap}`, () => todos.batch([p]));
        await refusedBesideSibling(store, `schema-${trap}`, () => store.table('other', p));
      }
      expect(await todos.count()).toBe(0);
    });

    it('refuses a revoked Proxy with a ValidationError wherever it is passed, keys and listeners included', async () => {
      const store = await shared();
      const [r, table] = [freshName('r'), freshName('table')];
      const todos = await store.table(table, TODO);
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const p = proxy as never;
      const calls: [string, () => unknown][] = [
        ['value', () => store.outputs.put(r, 'n', p)],
        ['global key', () => store.globals.get(p)],
        ['stream name', () => store.streams.summary(p)],
        ['record', () => store.records.append(p)],
        ['row id', () => todos.get(p)],
        ['alias name', () => todos.aliases.get(p)],
        ['table name', () => store.table(p, TODO)],
        ['listener', () => store.onChange(p)],
      ];
      for (const [what, call] of calls) {
        const outcome = await (async () => call())().then(
          () => 'resolved',
          (err: unknown) => (err instanceof ValidationError ? 'ValidationError' : String(err)),
        );
        expect(`${what}: ${outcome}`).toBe(`${what}: ValidationError`);
      }
    });

    it('refuses detached bytes as stream data with a ValidationError, and the append beside it succeeds', async () => {
      const store = await shared();
      const s = freshName('s');
      const [ok, bad] = await Promise.allSettled([
        store.streams.append(s, { data: 'sibling' }),
        store.streams.append(s, { data: detachedBytes() }),
      ]);
      expect(ok.status).toBe('fulfilled');
      expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
      expect((bad as PromiseRejectedResult).reason).toMatchObject({ path: 'frame.data' });
      expect((await store.streams.read(s)).frames.map((f) => f.data)).toEqual(['sibling']);
    });
  });

  describe('deep nesting', () => {
    it('refuses 10,000 levels of objects or arrays with a ValidationError stating the 128-level limit, never a RangeError', async () => {
      const store = await shared();
      const [r, s, t, table] = [freshName('r'), freshName('s'), freshName('t'), freshName('table')];
      const todos = await store.table(table, TODO);
      for (const kind of ['object', 'array'] as const) {
        const deep = nest(10_000, kind) as never;
        const errors = [
          await refusedBesideSibling(store, `o-${kind}`, () => store.outputs.put(r, kind, deep)),
          await refusedBesideSibling(store, `g-${kind}`, () => store.globals.put(kind, deep)),
          await refusedBesideSibling(store, `r-${kind}`, () => store.records.append({ taskId: t, attempt: 0, producer: 'p', event: deep })),
          await refusedBesideSibling(store, `s-${kind}`, () => store.streams.append(s, { data: deep })),
          await refusedBesideSibling(store, `m-${kind}`, () => store.streams.append(s, { data: { doc: deep }, mode: 'summary' })),
          await refusedBesideSibling(store, `c-${kind}`, () => todos.create({ title: 'x', extra: deep } as never)),
          await refusedBesideSibling(store, `b-${kind}`, () => todos.batch([{ op: 'create', data: { title: 'x', extra: deep } as never }])),
        ];
        for (const err of errors) expect(err.message).toMatch(/at most 128 levels/);
      }
      expect(await store.outputs.keys(r)).toEqual([]);
      expect(await store.streams.read(s)).toEqual({ frames: [] });
      expect(await todos.count()).toBe(0);
    });

    it('accepts exactly 128 levels of nesting and reads them back, and refuses 129', async () => {
      const store = await shared();
      const [r, table] = [freshName('r'), freshName('table')];
      const todos = await store.table(table, TODO);
      for (const kind of ['object', 'array'] as const) {
        await store.outputs.put(r, `${kind}-128`, nest(128, kind) as never);
        expect(await store.outputs.get(r, `${kind}-128`)).toStrictEqual(nest(128, kind));
        await expect(store.outputs.put(r, `${kind}-129`, nest(129, kind) as never)).rejects.toThrow(/at most 128 levels/);
        expect(await store.outputs.get(r, `${kind}-129`)).toBeUndefined();
        // In a row, each field's value may nest 128 levels.
        const row = await todos.create({ title: kind, extra: nest(128, kind) } as never);
        expect((await todos.get(row.id)).data).toStrictEqual({ title: kind, extra: nest(128, kind) });
        expect((await todos.list({ where: { title: kind } })).map((r) => r.id)).toEqual([row.id]);
        await expect(todos.create({ title: kind, extra: nest(129, kind) } as never)).rejects.toBeInstanceOf(ValidationError);
      }
      expect(await todos.count()).toBe(2);
    });

    it('stores a reactive batch operation whose field nests 128 levels like a plain one', async () => {
      const store = await shared();
      const table = freshName('table');
      const todos = await store.table(table, TODO);
      const [row] = await todos.batch([reactive({ op: 'create', data: { title: 'deep', extra: nest(128, 'array') } }) as never]);
      expect((await todos.get(row!.id)).data).toStrictEqual({ title: 'deep', extra: nest(128, 'array') });
    });
  });

  describe('lone surrogates', () => {
    it('refuses lone-surrogate keys with a ValidationError, so two keys never become one and no third key reads a value', async () => {
      const store = await shared();
      const [r, s, t] = [freshName('r'), freshName('s'), freshName('t')];
      for (const key of ['k\uD800', 'k\uDBFF', 'k\uDC00', '\uDFFFk']) {
        await expect(store.globals.put(key, 1)).rejects.toMatchObject({ code: 'VALIDATION', path: 'key' });
        await expect(store.outputs.put(r, key, 1)).rejects.toMatchObject({ code: 'VALIDATION', path: 'nodeId' });
        await expect(store.outputs.put(key, 'n', 1)).rejects.toMatchObject({ code: 'VALIDATION', path: 'runId' });
        await expect(store.records.append({ taskId: key, attempt: 0, producer: 'p', event: 1 })).rejects.toMatchObject({
          code: 'VALIDATION',
          path: 'taskId',
        });
        await expect(store.records.append({ taskId: t, attempt: 0, producer: key, event: 1 })).rejects.toMatchObject({
          code: 'VALIDATION',
          path: 'producer',
        });
        await expect(store.streams.append(key, { data: 1 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'stream' });
        await expect(store.streams.append(s, { kind: key, data: 1 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'frame.kind' });
      }
      expect(await store.globals.get('k\uFFFD')).toBeUndefined();
      expect(await store.outputs.get(r, 'k\uFFFD')).toBeUndefined();
      expect(await store.outputs.keys(r)).toEqual([]);
      expect(await store.records.list(t, 0)).toEqual([]);
      expect(await store.streams.read('k\uFFFD')).toEqual({ frames: [] });
      expect(await store.streams.read(s)).toEqual({ frames: [] });
    });

    it('keeps a table alias name and description exactly as given, or refuses them', async () => {
      const store = await shared();
      const table = freshName('table');
      const todos = await store.table(table, TODO);
      await expect(todos.aliases.create('a\uD800', { where: {} })).rejects.toMatchObject({ code: 'VALIDATION' });
      const outcome = await todos.aliases.create('described', { where: {}, description: 'x\uD800y' }).then(
        () => todos.aliases.get('described').then((a) => ({ stored: a.description })),
        (err: unknown) => ({ refused: err instanceof ValidationError }),
      );
      expect([{ stored: 'x\uD800y' }, { refused: true }]).toContainEqual(outcome);
    });

    it('reads a lone surrogate inside a JSON value back exactly, in strings and in object keys', async () => {
      const store = await shared();
      const [r, s, t, table, sum, g] = [
        freshName('r'),
        freshName('s'),
        freshName('t'),
        freshName('table'),
        freshName('sum'),
        freshName('g'),
      ];
      const todos = await store.table(table, TODO);
      const value = { '\uD800': 'x\uDC00y', list: ['\uDBFF', '\uDFFF\uD800'], lone: '\uD83D' };
      await store.outputs.put(r, 'n', value);
      await store.globals.upsert(g, value);
      const id = await store.records.append({ taskId: t, attempt: 0, producer: 'p', event: value });
      await store.streams.append(s, { data: value });
      await store.streams.append(sum, { data: value, mode: 'summary' });
      const row = await todos.create({ title: 'a\uDC00', extra: value } as never);
      expect(await store.outputs.get(r, 'n')).toStrictEqual(value);
      expect(await store.globals.get(g)).toStrictEqual(value);
      expect((await store.records.get(id)).event).toStrictEqual(value);
      expect((await store.streams.read(s)).frames[0]!.data).toStrictEqual(value);
      expect((await store.streams.summary(sum))!.doc).toStrictEqual(value);
      expect((await todos.get(row.id)).data).toStrictEqual({ title: 'a\uDC00', extra: value });
    });
  });
});
