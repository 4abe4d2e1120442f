import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, NotFoundError, ValidationError, type Change, type Json, type Store } from '../../src/index.js';
import { backends, nextChange, Stores, uniqueName } from '../support/backends.js';
import { collect, counted, nextValue } from '../support/live.js';
import { T, todos } from '../support/tables-fixtures.js';

/** Resolves once `store` hears a notice for `key` (call it before the write), so every earlier notice was handled too. */
const heard = (store: Store, key: string) => nextChange(store, (c: Change) => c.key === key);

describe.each(backends)('live queries ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('table.live delivers the rows at once, then after each write, with increasing versions', async () => {
    const store = await stores.open();
    const t = await todos(store);
    const first = await t.create({ title: 'a' });
    const got = collect(t.live({ orderBy: 'createdAt', desc: false }));
    await got.until((rows) => rows.length === 1);
    const second = await t.create({ title: 'b' });
    const after = await got.until((rows) => rows.length === 2);
    expect(after.value).toStrictEqual([first, second]);
    expect(after.value).toStrictEqual(await t.list({ orderBy: 'createdAt', desc: false }));
    expect(after.version).toBeGreaterThan(got.values[0]!.version);
    await got.stop();
  });

  it('re-runs only for changes to what it read: other tables, keys and runs cost no run', async () => {
    const store = await stores.open();
    const watched = await todos(store, 'watched');
    const other = await todos(store, 'other');
    const query = counted(async (s: Store) => {
      const t = await s.table('watched', T);
      return { n: await t.count(), g: await s.globals.get('mine'), o: await s.outputs.keys('run-a') };
    });
    const got = collect(store.live(query.fn));
    await got.until((v) => v.n === 0);
    expect(query.runs()).toBe(1);
    await Promise.all([
      ...Array.from({ length: 200 }, (_, i) => other.create({ title: `o${i}` })),
      ...Array.from({ length: 200 }, (_, i) => store.globals.upsert(`other-${i % 7}`, i)),
      ...Array.from({ length: 200 }, (_, i) => store.outputs.put('run-b', `n${i}`, i)),
    ]);
    // Listen before the write: an in-process engine hands its notices over before the write resolves.
    const last = heard(store, 'last-unrelated');
    await store.globals.upsert('last-unrelated', true);
    await last;
    expect(query.runs()).toBe(1);
    // Notices arrive in commit order: once this one is handled, the unrelated ones were too.
    await watched.create({ title: 'w' });
    await got.until((v) => v.n === 1);
    expect(query.runs()).toBe(2);
    await store.globals.upsert('mine', 'x');
    await got.until((v) => v.g === 'x');
    await store.outputs.put('run-a', 'n1', 1);
    await got.until((v) => v.o.length === 1);
    expect(query.runs()).toBe(4);
    await got.stop();
  });

  it('coalesces a burst: a handful of runs, the final state delivered last', async () => {
    const store = await stores.open();
    const t = await todos(store);
    const query = counted((s: Store) => s.table('items', T).then((x) => x.count()));
    const got = collect(store.live(query.fn));
    await got.until((n) => n === 0);
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => t.create({ title: `r${i}` })));
    await got.until((n) => n === 10_000);
    expect(query.runs()).toBeLessThanOrEqual(5);
    expect(got.values.at(-1)!.value).toBe(10_000);
    const counts = got.values.map((v) => v.value);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    await got.stop();
  });

  it('globals.live, outputs.live and streams.liveSummary follow their key, run and attempt', async () => {
    const store = await stores.open();
    const g = collect(store.globals.live('k'));
    const o = collect(store.outputs.live('r'));
    const s = collect(store.streams.liveSummary('s'));
    await Promise.all([g.until((v) => v === undefined), o.until((v) => v.length === 0), s.until((v) => v === undefined)]);
    await store.globals.upsert('k', { deep: [1, 2] });
    await store.outputs.put('r', 'second', 2);
    await store.outputs.put('r', 'first', 1);
    await store.streams.append('s', { data: { a: 1 }, mode: 'summary' });
    expect((await g.until((v) => v !== undefined)).value).toStrictEqual({ deep: [1, 2] });
    const outputs = await o.until((v) => v.length === 2);
    expect(outputs.value).toStrictEqual([
      { nodeId: 'second', value: 2 },
      { nodeId: 'first', value: 1 },
    ]);
    expect((await s.until((v) => v !== undefined)).value).toMatchObject({ doc: { a: 1 }, version: 1 });
    await Promise.all([g.stop(), o.stop(), s.stop()]);
  });

  it('a durable frame does not re-run a live summary; a summary frame does', async () => {
    const store = await stores.open();
    const query = counted((s: Store) => s.streams.summary('s'));
    const got = collect(store.live(query.fn));
    await got.until((v) => v === undefined);
    const lastDurable = nextChange(store, (c: Change) => c.key === '["s",0]' && c.seq === 20);
    for (let i = 0; i < 20; i++) await store.streams.append('s', { data: i });
    await lastDurable;
    await store.streams.append('s', { data: { done: true }, mode: 'summary' });
    await got.until((v) => v !== undefined);
    expect(query.runs()).toBe(2);
    await got.stop();
  });

  it('delivers errors with their class, and keeps running: the next change recovers it', async () => {
    const store = await stores.open();
    const q = store.live((s) => s.records.latest('planner'));
    const seen: unknown[] = [];
    const recovered = new Promise<Json>((resolve) => {
      q.subscribe(
        (entry) => resolve(entry.event),
        (err) => seen.push(err),
      );
    });
    const err = await new Promise<unknown>((resolve) => q.subscribe({ next() {}, error: resolve }));
    expect(err).toBeInstanceOf(NotFoundError);
    await store.records.append({ taskId: 't', attempt: 0, producer: 'planner', event: 'ready' });
    expect(await recovered).toBe('ready');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(NotFoundError);
  });

  it("delivers a ClosedError from another store it read as the run's error, and runs again after the next change", async () => {
    // Closed before the store opens: one Durable Object holds one database, and one store at a time.
    const name = uniqueName('live-closed');
    const other = await stores.open(name);
    await other.close();
    const store = await stores.open(name);
    const q = store.live(async (s) => {
      const k = await s.globals.get('k');
      if (k === 1) await other.globals.get('x');
      return k ?? null;
    });
    const values: Json[] = [];
    const errors: unknown[] = [];
    let wake = () => {};
    const next = (count: number) =>
      new Promise<void>((resolve) => {
        wake = () => values.length + errors.length >= count && resolve();
        wake();
      });
    q.subscribe({
      next: (v) => (values.push(v ?? null), wake()),
      error: (e) => (errors.push(e), wake()),
    });
    await next(1);
    await store.globals.upsert('k', 1);
    await next(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ClosedError);
    await store.globals.upsert('k', 2);
    await next(3);
    expect(values).toEqual([null, 2]);
  });

  it('ends a next() that is waiting when return() is called beside it', async () => {
    const store = await stores.open();
    const iterator = store.globals.live('k')[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    const waiting = iterator.next();
    await iterator.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('refuses a write inside the query with a ValidationError', async () => {
    const store = await stores.open();
    const got = collect(store.live((s) => s.globals.upsert('k', 1)));
    const err = await got.ended;
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('only reads');
    expect(await store.globals.get('k')).toBeUndefined();
  });

  it('subscribe: Svelte form calls at once when a value is known; observer form returns { unsubscribe }', async () => {
    const store = await stores.open();
    await store.globals.upsert('k', 1);
    const q = store.globals.live('k');
    expect(q['@@observable']()).toBe(q);
    expect(await nextValue(q, (v) => v === 1)).toBe(1);
    const keep = q.subscribe(() => {});
    await nextValue(q, (v) => v === 1);
    const sync: Json[] = [];
    const off = q.subscribe((v) => sync.push(v ?? null));
    expect(sync).toEqual([1]);
    const observed: Json[] = [];
    const sub = q.subscribe({ next: (v) => observed.push(v ?? null) });
    expect(observed).toEqual([1]);
    expect(typeof sub.unsubscribe).toBe('function');
    await store.globals.upsert('k', 2);
    await nextValue(q, (v) => v === 2);
    expect(sync).toEqual([1, 2]);
    expect(observed).toEqual([1, 2]);
    off();
    sub.unsubscribe();
    keep();
  });

  it('frees its listeners when the last subscriber leaves, also after 10,000 cycles and a broken loop', async () => {
    const store = await stores.open();
    const baseline = store.feed.listenerCount;
    const q = store.globals.live('k');
    for (let i = 0; i < 10_000; i++) q.subscribe(() => {})();
    for (let i = 0; i < 100; i++) {
      const sub = q.subscribe({ next() {} });
      await nextValue(q, () => true);
      sub.unsubscribe();
    }
    for await (const { value } of q) {
      expect(value).toBeUndefined();
      break;
    }
    // Teardown waits one microtask, so a re-subscribe in the same task keeps the run.
    await Promise.resolve();
    expect(store.feed.listenerCount).toBe(baseline);
  });

  it('ends its live queries when the store closes', async () => {
    const store = await stores.open();
    const got = collect(store.globals.live('k'));
    await got.until(() => true);
    let completed = false;
    store.globals.live('k').subscribe({ next() {}, complete: () => (completed = true) });
    await store.close();
    expect(await got.ended).toBeUndefined();
    expect(completed).toBe(true);
    let late = false;
    store.globals.live('other').subscribe({ next() {}, complete: () => (late = true) });
    await Promise.resolve();
    expect(late).toBe(true);
  });
});
