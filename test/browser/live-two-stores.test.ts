import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, openStore, type Change, type Row, type Store } from '../../src/in-process.js';
import { nextChange, uniqueName } from '../support/backends.js';
import { collect, counted } from '../support/live.js';
import { T, todos, type Todo } from '../support/tables-fixtures.js';
import { autoStorage } from '../support/engine.js';

/** Resolves once `store` has received `n` change notices that match. */
function notices(store: Store, n: number, matches: (c: Change) => boolean): Promise<Change[]> {
  const seen: Change[] = [];
  return new Promise((resolve) => {
    const off = store.onChange((c) => {
      if (!matches(c)) return;
      seen.push(c);
      if (seen.length < n) return;
      off();
      resolve(seen);
    });
  });
}

/** Counts the reads `store`'s live queries send (a follower forwards each one to the leader). */
function countReads(store: Store): { n: number } {
  const counter = { n: 0 };
  const reader = store.reads as unknown as { callAt: (...args: unknown[]) => Promise<unknown> };
  const callAt = reader.callAt.bind(reader);
  reader.callAt = (...args) => {
    counter.n++;
    return callAt(...args);
  };
  return counter;
}

// Store A leads and writes; store B, a follower of the same database in this page, watches.
describe('live queries across two stores of one database', () => {
  const open: Store[] = [];
  const pair = async () => {
    const name = uniqueName('live-pair');
    for (let i = 0; i < 2; i++) open.push(await openStore({ name, storage: autoStorage }));
    const [a, b] = open.slice(-2) as [Store, Store];
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    return { a, b };
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("B's results equal a fresh query at each delivered version", async () => {
    const { a, b } = await pair();
    const ta = await todos(a);
    const tb = await todos(b);
    const query = { orderBy: 'title', desc: false, limit: 1000 } as const;
    // states[k]: what a fresh query returns after A's k-th write; versions[k]: that write's commit version.
    const states: Row<Todo>[][] = [await ta.list(query)];
    const heard = notices(a, 30, (c) => c.module === 'table');
    const got = collect(tb.live(query));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 5 === 4) await ta.delete(ids.shift()!);
      else if (i % 5 === 3) await ta.update(ids[0]!, { state: `s${i}` });
      else ids.push((await ta.create({ title: `row ${String(i).padStart(2, '0')}` })).id);
      states.push(await ta.list(query));
    }
    const versions = (await heard).map((c) => c.version);
    const last = await got.until((rows) => JSON.stringify(rows) === JSON.stringify(states.at(-1)));
    expect(last.version).toBe(versions.at(-1));
    expect(got.values.length).toBeGreaterThan(1);
    for (const { value, version } of got.values) {
      const k = versions.filter((v) => v <= version).length;
      expect(value).toStrictEqual(states[k]);
    }
    expect(got.values.at(-1)!.value).toStrictEqual(await tb.list(query));
    await got.stop();
  });

  it('10,000 writes from A to another table and key cost B no run', async () => {
    const { a, b } = await pair();
    const watched = await todos(a, 'watched');
    const other = await todos(a, 'other');
    const query = counted(async (s: Store) => [await (await s.table('watched', T)).count(), await s.globals.get('mine')] as const);
    const got = collect(b.live(query.fn));
    await got.until(([n]) => n === 0);
    await Promise.all([
      ...Array.from({ length: 5000 }, (_, i) => other.create({ title: `o${i}` })),
      ...Array.from({ length: 5000 }, (_, i) => a.globals.upsert(`not-mine-${i % 10}`, i)),
    ]);
    await a.globals.upsert('marker', 1);
    await nextChange(b, (c) => c.key === 'marker');
    expect(query.runs()).toBe(1);
    await watched.create({ title: 'w' });
    await got.until(([n]) => n === 1);
    expect(query.runs()).toBe(2);
    await got.stop();
  });

  it('a 10,000-write burst in A gives B a handful of runs, the final state last', async () => {
    const { a, b } = await pair();
    const ta = await todos(a);
    const query = counted(async (s: Store) => (await s.table('items', T)).count());
    const got = collect(b.live(query.fn));
    await got.until((n) => n === 0);
    await Promise.all(Array.from({ length: 10_000 }, (_, i) => ta.create({ title: `r${i}` })));
    await got.until((n) => n === 10_000);
    expect(query.runs()).toBeLessThanOrEqual(5);
    expect(got.values.at(-1)!.value).toBe(10_000);
    await got.stop();
  });

  it('one run at a time: 50 commits during a slow run cost one more run, not 50', async () => {
    const { a, b } = await pair();
    const ta = await todos(a);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let inFlight = 0;
    let most = 0;
    const query = counted(async (s: Store) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        const n = await (await s.table('items', T)).count();
        // Every run after the first waits for the gate: the writes below all land during it.
        if (n > 0) await gate;
        return n;
      } finally {
        inFlight--;
      }
    });
    const got = collect(b.live(query.fn));
    await got.until((n) => n === 0);
    const heard = notices(b, 50, (c) => c.module === 'table');
    for (let i = 0; i < 50; i++) await ta.create({ title: `r${i}` });
    await heard;
    open();
    await got.until((n) => n === 50);
    expect(query.runs()).toBeLessThanOrEqual(3);
    expect(most).toBe(1);
    expect(got.values.map((v) => v.value).at(-1)).toBe(50);
    await got.stop();
  });

  it("B's globals.live takes a small value from A's notice without reading it back; one too large to travel is read", async () => {
    const { a, b } = await pair();
    const got = collect(b.globals.live('k'));
    await got.until((v) => v === undefined);
    let reads = 0;
    const reader = b.reads as unknown as { callAt: (...args: unknown[]) => Promise<unknown> };
    const callAt = reader.callAt.bind(reader);
    reader.callAt = (...args) => {
      reads++;
      return callAt(...args);
    };
    await a.globals.upsert('k', { small: true });
    await got.until((v) => JSON.stringify(v) === '{"small":true}');
    expect(reads).toBe(0);
    // Larger than a notice carries (16 K) and than a watched read's answer (64 K).
    const big = 'x'.repeat(70_000);
    await a.globals.upsert('k', big);
    await got.until((v) => v === big);
    expect(reads).toBe(1);
    await got.stop();
  });

  it("B's live reads are answered with A's notices: after its first run B reads nothing back, and each result is a fresh query's", async () => {
    const { a, b } = await pair();
    const ta = await todos(a);
    const tb = await todos(b);
    const rpc = new BroadcastChannel(`flowstore:rpc:${b.name}`);
    const seen: { type: string; watch?: string; calls?: { op: string }[] }[] = [];
    rpc.onmessage = (event) => seen.push(event.data);
    const reads = countReads(b);
    const got = collect(
      b.live(async (s) => {
        const t = await todos(s);
        // 20,000 characters: too large for a notice to carry, small enough to be answered.
        return {
          count: await t.count(),
          titles: (await t.list({ limit: 1000 })).map((r) => r.data.title),
          note: await s.globals.get('note'),
        };
      }),
    );
    await got.until((v) => v.count === 0);
    // B's messages reach the leader's worker in the order B sent them: once this read is answered, so is the watch.
    await tb.count();
    reads.n = 0;
    for (let i = 0; i < 5; i++) {
      if (i === 2) await a.globals.upsert('note', 'n'.repeat(20_000));
      await ta.create({ title: `row ${i}` });
      const fresh = await ta.list({ limit: 1000 });
      await got.until((v) => v.count === i + 1 && (i < 2 || v.note !== undefined));
      expect(got.values.at(-1)!.value.titles).toEqual(fresh.map((r) => r.data.title));
    }
    expect(reads.n).toBe(0);
    const watch = seen.find((m) => m.type === 'watch');
    expect(watch?.calls?.map((c) => c.op)).toEqual(['tables.count', 'tables.list', 'globals.get']);
    const unwatched = new Promise((resolve) => (rpc.onmessage = (event) => event.data?.type === 'unwatch' && resolve(event.data.watch)));
    await got.stop();
    expect(await unwatched).toBe(watch?.watch);
    rpc.close();
  });

  it('a run that waits between two reads does not take an answer that a newer commit made old', async () => {
    const { a, b } = await pair();
    let gate: Promise<void> | undefined;
    let atGate: () => void = () => {};
    const got = collect(
      b.live(async (s) => {
        const first = await s.globals.get('first');
        if (gate) {
          atGate();
          await gate;
        }
        return { first, second: await s.globals.get('second') };
      }),
    );
    await got.until((v) => v.first === undefined);
    // B's messages reach the leader's worker in order: once this read is answered, so is the watch.
    await b.globals.get('other');
    let open: () => void = () => {};
    gate = new Promise((resolve) => (open = resolve));
    const waiting = new Promise<void>((resolve) => (atGate = resolve));
    // Its answers carry both reads at this commit; the run takes 'first' from them and waits.
    await a.globals.upsert('first', 1);
    await waiting;
    gate = undefined;
    const heard = new Promise((resolve) => b.onChange((c) => c.key === 'second' && resolve(c)));
    await a.globals.upsert('second', 2);
    await heard;
    open();
    const { value } = await got.until((v) => v.first === 1);
    expect(value).toEqual({ first: 1, second: 2 });
    await got.stop();
  });

  it("a follower's watched reads go to the next leader when the leader goes away", async () => {
    const name = uniqueName('live-handover');
    for (let i = 0; i < 3; i++) open.push(await openStore({ name, storage: autoStorage }));
    const [a, b, c] = open.slice(-3) as [Store, Store, Store];
    const got = collect((await todos(c)).live({ limit: 1000 }));
    await got.until((rows) => rows.length === 0);
    const promoted = new Promise((resolve) => b.onRoleChange(resolve));
    await a.close();
    expect(await promoted).toBe('leader');
    // A hand-over runs c's query once more (see the next case).
    const delivered = got.values.length;
    await got.until(() => got.values.length > delivered);
    // As above: c's read after its re-sent watch means b's worker has the watch.
    const tc = await todos(c);
    await tc.count();
    const reads = countReads(c);
    const tb = await todos(b);
    await tb.create({ title: 'after the hand-over' });
    const rows = await got.until((r) => r.length === 1);
    expect(rows.value.map((r) => r.data.title)).toEqual(['after the hand-over']);
    expect(reads.n).toBe(0);
    await got.stop();
  });

  it("a follower's live query runs once more when a leader takes over: a commit whose notice died with the old leader is not missed", async () => {
    const name = uniqueName('live-lost-notice');
    for (let i = 0; i < 3; i++) open.push(await openStore({ name, storage: autoStorage }));
    const [a, b, c] = open.slice(-3) as [Store, Store, Store];
    const query = counted(async (s: Store) => (await s.globals.get('k')) ?? null);
    const got = collect(c.live(query.fn));
    await got.until((v) => v === null);
    const runs = query.runs();
    const delivered = got.values.length;
    const promoted = new Promise((resolve) => b.onRoleChange(resolve));
    // A tab that dies at once, as one that crashed between a commit and its notice.
    await a.simulateCrash();
    expect(await promoted).toBe('leader');
    await got.until(() => got.values.length > delivered);
    expect(got.values.at(-1)!.value).toBeNull();
    expect(query.runs()).toBe(runs + 1);
    await got.stop();
  });

  it("the leader's worker forgets the watched reads of a follower whose context died", async () => {
    const name = uniqueName('live-gone');
    const a = await openStore({ name, storage: autoStorage });
    open.push(a);
    const rpc = new BroadcastChannel(`flowstore:rpc:${name}`);
    const owner = new Promise<string>((resolve) => (rpc.onmessage = (e) => e.data?.type === 'watch' && resolve(e.data.owner)));
    const follower = new Worker(new URL('./live-follower.worker.ts', import.meta.url), { type: 'module' });
    const ready = new Promise<MessageEvent>((resolve) => (follower.onmessage = resolve));
    follower.postMessage({ name, storage: a.storage });
    expect((await ready).data).toEqual({ role: 'follower' });
    const id = await owner;
    const changes = new BroadcastChannel(`flowstore:changes:${name}`);
    const next = () => new Promise<unknown[] | undefined>((resolve) => (changes.onmessage = (e) => resolve(e.data?.answers)));
    let heard = next();
    await a.globals.upsert('k', 1);
    expect(await heard).toHaveLength(1);
    follower.terminate();
    // Locks are granted in the order asked: once this test holds the gone instance's lock, the
    // leader's worker, which asked for it when the watch came, has had it and forgotten the watch.
    await navigator.locks.request(`flowstore:instance:${name}:${id}`, () => {});
    heard = next();
    await a.globals.upsert('k', 2);
    expect(await heard).toBeUndefined();
    rpc.close();
    changes.close();
  });

  it("errors keep their class across stores, and B's query recovers after A's write", async () => {
    const { a, b } = await pair();
    const q = b.live((s) => s.records.latest('planner'));
    const errors: unknown[] = [];
    const value = new Promise<string>((resolve) =>
      q.subscribe(
        (r) => resolve(r.event as string),
        (err) => errors.push(err),
      ),
    );
    const first = await new Promise<unknown>((resolve) => q.subscribe({ next() {}, error: resolve }));
    expect(first).toBeInstanceOf(NotFoundError);
    await a.records.append({ taskId: 't', attempt: 0, producer: 'planner', event: 'planned' });
    expect(await value).toBe('planned');
    expect(errors.map((e) => (e as NotFoundError).code)).toEqual(['NOT_FOUND']);
  });
});
