import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, ValidationError } from '../../src/in-process.js';
import { openStore as openBrowserBuild } from '../../src/index.js';
import { backends, Stores, uniqueName } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

// Issue 13, items 4–6: arguments checked at the call, one deep value never stops the store, and the rest of the run's findings.

const TODO = { fields: { title: { type: 'string', required: true }, done: { type: 'boolean' } } } as const;
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function nest(levels: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

const named = () => Object.assign([1, 2], { extra: 'lost' });

describe.each(backends)('hostile arguments ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });
  // Cases under names of their own (freshName: run, stream, task, table, keys) share one store; those that open stores with
  // options of their own, or wait for the next change notice of any kind, open their own.
  const shared = sharedStore(backend);

  describe('checked at the call', () => {
    it('refuses a listener that is not a function with a ValidationError, and later commits still reach real listeners', async () => {
      const store = await stores.open();
      for (const bad of [42, 'f', null, undefined, {}]) {
        expect(() => store.onChange(bad as never)).toThrow(ValidationError);
        expect(() => store.onRoleChange(bad as never)).toThrow(ValidationError);
      }
      const seen = new Promise((resolve) => store.onChange(resolve));
      await store.globals.upsert('k', 1);
      expect(await seen).toMatchObject({ module: 'globals' });
    });

    it('refuses leaderTimeoutMs that is not a whole number of milliseconds a timer can wait', async () => {
      for (const leaderTimeoutMs of [NaN, 0, -1, 1.5, Infinity, 2 ** 31, '100']) {
        await expect(openStore({ name: uniqueName('timeout'), ...backend.options, leaderTimeoutMs } as never)).rejects.toMatchObject({
          code: 'VALIDATION',
          path: 'leaderTimeoutMs',
        });
      }
      await expect(openStore({ name: uniqueName('worker'), storage: 'memory', worker: 'no' } as never)).rejects.toMatchObject({
        code: 'VALIDATION',
        path: 'worker',
      });
      for (const workerUrl of [42, '', 'http://[']) {
        await expect(openStore({ name: uniqueName('worker'), ...backend.options, workerUrl } as never)).rejects.toMatchObject({
          code: 'VALIDATION',
          path: 'workerUrl',
        });
      }
      // The browser build leaves the engine on the caller's thread out, and says where it is
      // (in workerd, 'flowstore' is the workerd build, which has it).
      if (backend.storage !== 'durable-object') {
        const inThisThread = openBrowserBuild({ name: uniqueName('worker'), storage: 'memory', worker: false });
        await expect(inThisThread).rejects.toMatchObject({ code: 'VALIDATION', path: 'worker' });
        await expect(inThisThread).rejects.toThrow("import { openStore } from 'flowstore/in-process'");
      }
      const store = await stores.open(uniqueName('timeout'), { leaderTimeoutMs: 2 ** 31 - 1 });
      expect(await store.globals.get('k')).toBeUndefined();
    });

    it('refuses database names with NUL, path separators, control characters, lone surrogates or more than 128 characters', async () => {
      const bad = ['a\u0000b', 'x/../y', '/../etc', 'a\\b', 'tab\there', 'del\u007f', 'k\uD800', '', 'n'.repeat(129)];
      for (const name of bad) {
        await expect(openStore({ name, ...backend.options })).rejects.toMatchObject({ code: 'VALIDATION', path: 'name' });
      }
      const longest = `${uniqueName('long')}-`.padEnd(128, 'x');
      const store = await stores.open(longest);
      await store.outputs.put('r', 'n', 'kept');
      expect(await store.outputs.get('r', 'n')).toBe('kept');
    });
  });

  describe('one deep value never stops the store', () => {
    it('refuses a row whose extra field nests 2,000 or 3,000 levels, and the store keeps answering', async () => {
      const store = await shared();
      const table = freshName('table');
      const todos = await store.table(table, TODO);
      for (const levels of [2000, 3000]) {
        const [bad, ok, write] = await Promise.allSettled([
          todos.create({ title: 'x', done: false, extra: nest(levels, 'object') } as never),
          todos.create({ title: `sibling ${levels}`, done: false }),
          store.globals.upsert(`after ${levels}`, levels),
        ]);
        expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
        expect(ok.status).toBe('fulfilled');
        expect(write.status).toBe('fulfilled');
      }
      expect((await todos.list({ orderBy: 'createdAt', desc: false })).map((r) => r.data.title)).toEqual(['sibling 2000', 'sibling 3000']);
      expect(await store.globals.get('after 3000')).toBe(3000);
      expect(await store.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    });

    it('reads the deepest accepted value in the same tick as a write, and both succeed', async () => {
      const store = await shared();
      const r = freshName('r');
      await store.outputs.put(r, 'deep', nest(128, 'array') as never);
      const [read, write] = await Promise.allSettled([store.outputs.get(r, 'deep'), store.globals.upsert('sib', 1)]);
      expect(read).toEqual({ status: 'fulfilled', value: nest(128, 'array') });
      expect(write.status).toBe('fulfilled');
      expect(await store.globals.get('sib')).toBe(1);
    });
  });

  describe('values kept exactly', () => {
    it('keeps a leading U+FEFF in node ids, task ids, producers, stream names, frame kinds, keys and values', async () => {
      const store = await shared();
      const [r, table] = [freshName('r'), freshName('table')];
      const todos = await store.table(table, TODO);
      await store.outputs.put(r, '\uFEFFn', '\uFEFFv');
      await store.globals.upsert('\uFEFFg', '\uFEFF');
      const id = await store.records.append({ taskId: '\uFEFFt', attempt: 0, producer: '\uFEFFp', event: { '\uFEFFk': '\uFEFF' } });
      await store.streams.append('\uFEFFs', { kind: '\uFEFFkind', data: '\uFEFFd' });
      const row = await todos.create({ title: '\uFEFFtitle' });
      expect(await store.outputs.keys(r)).toEqual(['\uFEFFn']);
      expect(await store.outputs.get(r, '\uFEFFn')).toBe('\uFEFFv');
      expect(await store.outputs.get(r, 'n')).toBeUndefined();
      expect(await store.globals.get('\uFEFFg')).toBe('\uFEFF');
      expect(await store.records.get(id)).toMatchObject({ taskId: '\uFEFFt', producer: '\uFEFFp', event: { '\uFEFFk': '\uFEFF' } });
      expect((await store.records.list('\uFEFFt', 0)).map((r) => r.id)).toEqual([id]);
      expect((await store.records.latest('\uFEFFp')).id).toBe(id);
      const [frame] = (await store.streams.read('\uFEFFs')).frames;
      expect(frame).toMatchObject({ stream: '\uFEFFs', kind: '\uFEFFkind', data: '\uFEFFd' });
      expect((await todos.get(row.id)).data.title).toBe('\uFEFFtitle');
      expect((await todos.list({ where: { title: '\uFEFFtitle' } })).map((r) => r.id)).toEqual([row.id]);
    });

    it('refuses an array with extra named properties instead of storing it truncated', async () => {
      const store = await shared();
      const [r, s, t, table, g] = [freshName('r'), freshName('s'), freshName('t'), freshName('table'), freshName('g')];
      const todos = await store.table(table, TODO);
      await expect(store.outputs.put(r, 'n', named() as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'value' });
      await expect(store.globals.upsert(g, { list: named() } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'value.list' });
      await expect(store.records.append({ taskId: t, attempt: 0, producer: 'p', event: named() as never })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(store.streams.append(s, { data: named() as never })).rejects.toBeInstanceOf(ValidationError);
      await expect(todos.create({ title: 'x', tags: named() } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'tags' });
      expect(await store.outputs.get(r, 'n')).toBeUndefined();
      expect(await store.globals.get(g)).toBeUndefined();
      expect(await todos.count()).toBe(0);
    });

    it('stores each value as it was at the call, whatever the caller changes in the same tick', async () => {
      const store = await shared();
      const todos = await store.table(freshName('table'), TODO);
      const [r, g] = [freshName('r'), freshName('g')];
      const kept = await todos.create({ title: 'kept' });
      const row = { title: 'a', done: false };
      const merge = { done: true };
      const replace = { title: 'b' };
      const batchRow = { title: 'c' };
      const output = { list: [1, 2] };
      const global = { nested: { n: 1 } };
      const calls = [
        todos.create(row),
        todos.update(kept.id, merge),
        todos.batch([{ op: 'create', data: batchRow }]),
        store.outputs.put(r, 'n', output),
        store.globals.upsert(g, global),
      ];
      // All before the batch leaves (a microtask later).
      Object.assign(row, { title: 'changed', done: true });
      Object.assign(merge, { done: false, title: 'changed' });
      batchRow.title = 'changed';
      output.list.push(3);
      global.nested.n = 2;
      const [created, , batched] = (await Promise.all(calls)) as [{ id: string }, unknown, { id: string }[]];
      expect((await todos.get(created.id)).data).toEqual({ title: 'a', done: false });
      expect((await todos.get(kept.id)).data).toEqual({ title: 'kept', done: true });
      expect((await todos.get(batched[0]!.id)).data).toEqual({ title: 'c' });
      expect(await store.outputs.get(r, 'n')).toEqual({ list: [1, 2] });
      expect(await store.globals.get(g)).toEqual({ nested: { n: 1 } });
      const replaced = todos.update(kept.id, replace, { mode: 'replace' });
      replace.title = 'changed';
      expect((await replaced).data).toEqual({ title: 'b' });
    });

    it('stores a Proxy that reports a hidden symbol key of its own (bookkeeping of a library) as its plain data', async () => {
      const store = await shared();
      const todos = await store.table(freshName('table'), TODO);
      const [r, g] = [freshName('r'), freshName('g')];
      // Like a MobX observable: a Proxy over plain data, its administration under a non-enumerable symbol of the target.
      const observable = <T extends object>(data: T): T => {
        Object.defineProperty(data, Symbol('administration'), { value: { listeners: [] }, enumerable: false });
        return new Proxy(data, {});
      };
      await store.outputs.put(r, 'n', observable({ list: [1], inner: observable({ n: 1 }) }));
      await store.globals.upsert(g, observable({ v: 'x' }));
      const row = await todos.create(observable({ title: 'a' }));
      await todos.update(row.id, observable({ done: true }));
      expect(await store.outputs.get(r, 'n')).toEqual({ list: [1], inner: { n: 1 } });
      expect(await store.globals.get(g)).toEqual({ v: 'x' });
      expect((await todos.get(row.id)).data).toEqual({ title: 'a', done: true });
    });

    it('refuses a row, a merge patch, a batch row or operation with a symbol key, or a batch list with named properties, and writes nothing', async () => {
      const store = await shared();
      const todos = await store.table(freshName('table'), TODO);
      const kept = await todos.create({ title: 'kept' });
      const withSymbol = (data: object) => Object.assign(data, { [Symbol('k')]: 1 }) as never;
      const refusal = { code: 'VALIDATION', path: '(root)' };
      await expect(todos.create(withSymbol({ title: 'x' }))).rejects.toMatchObject(refusal);
      await expect(todos.update(kept.id, withSymbol({ done: true }))).rejects.toMatchObject(refusal);
      await expect(todos.update(kept.id, withSymbol({ title: 'y' }), { mode: 'replace' })).rejects.toMatchObject(refusal);
      await expect(todos.batch([{ op: 'create', data: withSymbol({ title: 'z' }) }])).rejects.toMatchObject(refusal);
      // The snapshot leaves such an operation, or a list with named properties, uncopied: refused too, with what the caller
      // changes in the same tick kept out.
      const data = { title: 'w' };
      const symbolOp = todos.batch([withSymbol({ op: 'create', data })]);
      const namedList = Object.assign([{ op: 'create' as const, data }], { extra: 1 });
      const named = todos.batch(namedList);
      data.title = 'changed';
      namedList.push({ op: 'create', data: { title: 'pushed later' } });
      await expect(symbolOp).rejects.toMatchObject({ code: 'VALIDATION', path: 'op', index: 0 });
      await expect(named).rejects.toMatchObject({ code: 'VALIDATION', path: 'ops' });
      expect((await todos.list()).map((row) => row.data)).toEqual([{ title: 'kept' }]);
    });

    it('refuses a best-effort ttlMs beyond a year with a ValidationError, and accepts one of exactly a year', async () => {
      const store = await shared();
      const s = freshName('s');
      for (const ttlMs of [1e300, YEAR_MS + 1, Number.MAX_VALUE]) {
        await expect(store.streams.append(s, { data: 1, mode: { ttlMs } })).rejects.toMatchObject({
          code: 'VALIDATION',
          path: 'frame.mode.ttlMs',
        });
      }
      const frame = await store.streams.append(s, { data: 'a year', mode: { ttlMs: YEAR_MS } });
      expect((await store.streams.read(s)).frames).toEqual([
        expect.objectContaining({ seq: frame.seq, data: 'a year', mode: 'best-effort' }),
      ]);
    });

    it('runs a single statement whose semicolons are inside literals, quoted names or comments, and refuses two statements', async () => {
      const store = await shared();
      expect(await store.inspect("SELECT ';x'")).toEqual([{ "';x'": ';x' }]);
      expect(await store.inspect("SELECT 1 AS \"a;b\", 'it'';s' AS c /* ; */ -- ;")).toEqual([{ 'a;b': 1, c: "it';s" }]);
      expect(await store.inspect('SELECT 2 AS two;')).toEqual([{ two: 2 }]);
      for (const sql of ['SELECT 1; SELECT 2', "SELECT ';'; DELETE FROM globals", 'SELECT 1 /* ; */; PRAGMA user_version']) {
        await expect(store.inspect(sql)).rejects.toMatchObject({ code: 'VALIDATION', path: 'sql' });
      }
    });
  });

  describe('tails aborted during their read', () => {
    it('rejects with an AbortError when the signal aborts while the read is in flight, though the read found a frame', async () => {
      const store = await shared();
      const s = freshName('s');
      await store.streams.append(s, { data: 'there' });
      const controller = new AbortController();
      const tail = store.streams.tail(s, { after: 0, blockMs: 10_000, signal: controller.signal });
      // tail() has sent its first read by now; the abort lands before the answer.
      controller.abort();
      await expect(tail).rejects.toMatchObject({ name: 'AbortError' });
      expect((await store.streams.tail(s, { after: 0 })).frames.map((f) => f.data)).toEqual(['there']);
    });

    it('rejects with an AbortError when the signal aborts just as a later read is issued', async () => {
      const store = await shared();
      const s = freshName('s');
      const controller = new AbortController();
      const call = store.batcher.call.bind(store.batcher);
      let reads = 0;
      vi.spyOn(store.batcher, 'call').mockImplementation(((op: string, ...args: unknown[]) => {
        const answer = (call as (op: string, ...args: unknown[]) => Promise<unknown>)(op, ...args);
        if (op === 'streams.tail' && ++reads === 2) controller.abort();
        return answer;
      }) as never);
      const tail = store.streams.tail(s, { after: 0, blockMs: 10_000, signal: controller.signal });
      // The append wakes the tail; its notice carries no best-effort frame, so the tail reads again.
      await vi.waitFor(() => expect(reads).toBe(1));
      await store.streams.append(s, { data: 'short-lived', mode: { ttlMs: 60_000 } });
      await expect(tail).rejects.toMatchObject({ name: 'AbortError' });
      expect(reads).toBe(2);
    });
  });
});
