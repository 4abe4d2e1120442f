import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError, type Frame, type Json, type Store, type StreamPage } from '../src/index.js';
import { backends, nextChange, Stores } from './backends.js';

const data = (page: StreamPage) => page.frames.map((f) => f.data);
const seqs = (page: StreamPage) => page.frames.map((f) => f.seq);
const streamKey = (stream: string, attempt = 0) => JSON.stringify([stream, attempt]);

/** Counts the engine calls a store's facade makes, by operation name (a counter, not a stand-in). */
function countCalls(store: Store) {
  const spy = vi.spyOn(store.rpc, 'call');
  const of = (op: string) => spy.mock.calls.map((c, i) => [c[0], i] as const).filter(([name]) => name === op);
  return {
    count: (op: string) => of(op).length,
    /** Resolves with the result of the n-th (0-based) call of `op` once it settled. */
    async settled(op: string, n: number): Promise<unknown> {
      await vi.waitFor(() => expect(of(op).length).toBeGreaterThan(n), { timeout: 10_000, interval: 5 });
      return spy.mock.results[of(op)[n]![1]]!.value;
    },
  };
}

describe.each(backends)('streams ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });

  describe('seed 003 behaviours', () => {
    it('reads frames in append order, with no closedAt while open', async () => {
      const { streams } = await stores.open();
      for (let i = 0; i < 3; i++) await streams.append('s', { kind: 'stdout', data: `payload-${i}` });
      const page = await streams.read('s', { from: '-', to: '+', limit: 100 });
      expect(data(page)).toEqual(['payload-0', 'payload-1', 'payload-2']);
      expect(seqs(page)).toEqual([1, 2, 3]);
      expect(page.frames.every((f) => f.kind === 'stdout')).toBe(true);
      expect(page.closedAt).toBeUndefined();
      expect('closedAt' in page).toBe(false);
    });

    it('resumes pagination from an inclusive cursor: the cursor frame comes back first', async () => {
      const { streams } = await stores.open();
      for (let i = 0; i < 5; i++) await streams.append('s', { kind: 'stdout', data: `p${i}` });
      const page1 = await streams.read('s', { from: '-', to: '+', limit: 2 });
      expect(seqs(page1)).toEqual([1, 2]);
      const last = page1.frames.at(-1)!.seq;
      const page2 = await streams.read('s', { from: last, to: '+', limit: 100 });
      expect(page2.frames.length).toBeGreaterThanOrEqual(3);
      expect(page2.frames[0]!.seq).toBe(last);
      expect(seqs(page2)).toEqual([2, 3, 4, 5]);
      expect(data(page2)).toEqual(['p1', 'p2', 'p3', 'p4']);
    });

    it('keeps one log per attempt, each numbered from 1', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { kind: 'stdout', data: 'a0-0' });
      await streams.append('s', { kind: 'stdout', data: 'a0-1' });
      await streams.append('s', { kind: 'stdout', data: 'a1-only' }, { attempt: 1 });
      const a0 = await streams.read('s', { attempt: 0, from: '-', to: '+' });
      const a1 = await streams.read('s', { attempt: 1, from: '-', to: '+' });
      expect(data(a0)).toEqual(['a0-0', 'a0-1']);
      expect(a1.frames).toHaveLength(1);
      expect(a1.frames[0]).toMatchObject({ data: 'a1-only', seq: 1, attempt: 1 });
    });

    it('merges summary patches into one document, one version per patch', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { kind: 'event', data: { a: 1 }, mode: 'summary' });
      await streams.append('s', { kind: 'event', data: { b: 2 }, mode: 'summary' });
      const summary = await streams.summary('s');
      expect(summary).toBeDefined();
      expect(summary!.version).toBe(2);
      expect(summary!.doc).toEqual({ a: 1, b: 2 });
      expect(summary!.firstAppliedAt).toBeGreaterThan(0);
      expect(summary!.lastUpdatedAt).toBeGreaterThan(0);
      expect(summary!.firstAppliedAt).toBeLessThanOrEqual(summary!.lastUpdatedAt);
    });

    it('gives undefined for a summary that was never written', async () => {
      const { streams } = await stores.open();
      await expect(streams.summary('s')).resolves.toBeUndefined();
    });

    it('tail returns existing frames at once (fast path)', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { kind: 'stdout', data: 'first' });
      const page = await streams.tail('s', { after: 0, blockMs: 0, limit: 100, visibility: 'all' });
      expect(data(page)).toEqual(['first']);
    });

    it('tail blocks, then wakes on an append', async () => {
      const { streams } = await stores.open();
      let settled = false;
      // blockMs outlasts the test timeout: only the append can end this wait.
      const tail = streams.tail('s', { after: 0, blockMs: 120_000, limit: 100, visibility: 'all' }).finally(() => (settled = true));
      await streams.read('s'); // a full round trip to the engine while the tail waits
      expect(settled).toBe(false);
      await streams.append('s', { kind: 'stdout', data: 'late' });
      expect(data(await tail)).toEqual(['late']);
    });

    it('tail times out with empty frames and no closedAt', async () => {
      const { streams } = await stores.open();
      const page = await streams.tail('s', { after: 0, blockMs: 150, limit: 100, visibility: 'all' });
      expect(page).toEqual({ frames: [] });
    });

    it.each(['-', '+'])('tail refuses the open cursor %s', async (cursor) => {
      const { streams } = await stores.open();
      const tail = streams.tail('s', { after: cursor as never, blockMs: 0, limit: 100, visibility: 'all' });
      await expect(tail).rejects.toBeInstanceOf(ValidationError);
      await expect(tail).rejects.toMatchObject({ code: 'VALIDATION', path: 'after' });
    });

    it('visibility durable leaves out best-effort frames, which still take a seq', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { kind: 'stdout', data: 'dur' });
      const be = await streams.append('s', { kind: 'stdout', data: 'be', mode: { ttlMs: 60_000 } });
      expect(be).toMatchObject({ seq: 2, mode: 'best-effort' });
      const all = await streams.tail('s', { after: 0, blockMs: 0, limit: 100, visibility: 'all' });
      expect(data(all)).toEqual(['dur', 'be']);
      const durable = await streams.tail('s', { after: 0, blockMs: 0, limit: 100, visibility: 'durable' });
      expect(data(durable)).toEqual(['dur']);
    });
  });

  describe('append', () => {
    it('returns the stored frame, with kind defaulting to event', async () => {
      const { streams } = await stores.open();
      const before = Date.now();
      const frame = await streams.append('s', { data: { step: 1 } });
      expect(frame).toEqual({ stream: 's', attempt: 0, seq: 1, kind: 'event', data: { step: 1 }, mode: 'durable', at: expect.any(Number) });
      expect(frame.at).toBeGreaterThanOrEqual(before);
      const [stored] = (await streams.read('s')).frames;
      expect(stored).toEqual(frame);
    });

    it('gives bytes back as a Uint8Array, and keeps JSON strings distinct from bytes', async () => {
      const { streams } = await stores.open();
      const bytes = new Uint8Array([0, 1, 127, 128, 255]);
      await streams.append('s', { kind: 'stdout', data: bytes });
      await streams.append('s', { kind: 'stdout', data: new Uint8Array(0) });
      await streams.append('s', { kind: 'stdout', data: '\u0000\u0001' });
      const [a, b, c] = (await streams.read('s')).frames;
      expect(a!.data).toBeInstanceOf(Uint8Array);
      expect([...(a!.data as Uint8Array)]).toEqual([0, 1, 127, 128, 255]);
      expect(b!.data).toBeInstanceOf(Uint8Array);
      expect((b!.data as Uint8Array).byteLength).toBe(0);
      expect(c!.data).toBe('\u0000\u0001');
    });

    it('round-trips JSON values deep-equal', async () => {
      const { streams } = await stores.open();
      const values: Json[] = [null, 0, -1.5, true, '', 'x'.repeat(100_000), [], {}, { nested: { list: [1, { a: null }] } }];
      for (const value of values) await streams.append('s', { data: value });
      expect(data(await streams.read('s'))).toStrictEqual(values);
    });

    it('numbers seq 1, 2, 3… per (stream, attempt), independent across streams', async () => {
      const { streams } = await stores.open();
      const a = await streams.append('a', { data: 1 });
      const b = await streams.append('b', { data: 1 });
      const a2 = await streams.append('a', { data: 2 });
      const a1 = await streams.append('a', { data: 1 }, { attempt: 1 });
      expect([a.seq, b.seq, a2.seq, a1.seq]).toEqual([1, 1, 2, 1]);
    });

    it('gives 10,000 concurrent appends distinct, gapless seqs in a few transactions', async () => {
      const store = await stores.open();
      const transactions = new Set<number>();
      let noticed = 0;
      const allNoticed = new Promise<void>((resolve) => {
        store.onChange((c) => {
          if (c.module !== 'streams' || c.key !== streamKey('s')) return;
          transactions.add(c.version);
          if (++noticed === 10_000) resolve();
        });
      });
      const frames = await Promise.all(Array.from({ length: 10_000 }, (_, i) => store.streams.append('s', { data: i })));
      expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      const page = await store.streams.read('s', { limit: 10_000 });
      expect(data(page)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
      await allNoticed;
      expect(transactions.size).toBeLessThanOrEqual(10);
    });

    it('never reuses the seq of an expired best-effort frame, and purges it later', async () => {
      const store = await stores.open();
      const { streams } = store;
      await streams.append('s', { data: 'keep' });
      await streams.append('s', { data: 'brief', mode: { ttlMs: 20 } });
      await vi.waitFor(async () => expect(data(await streams.read('s'))).toEqual(['keep']), { timeout: 5000, interval: 10 });
      expect(data(await streams.tail('s', { after: 0 }))).toEqual(['keep']);
      const next = await streams.append('s', { data: 'after' });
      expect(next.seq).toBe(3);
      expect(seqs(await streams.read('s'))).toEqual([1, 3]);
      // Expired rows go away in later appends (at most one purge a second), not at read time.
      await vi.waitFor(
        async () => {
          await streams.append('other', { data: 'tick' });
          const [row] = await store.inspect(`SELECT count(*) AS n FROM stream_frames WHERE mode = 'best-effort'`);
          expect(row!.n).toBe(0);
        },
        { timeout: 10_000, interval: 250 },
      );
    });

    it.each([
      ['an empty stream name', '', { data: 1 }, {}, 'stream'],
      ['a negative attempt', 's', { data: 1 }, { attempt: -1 }, 'attempt'],
      ['a fractional attempt', 's', { data: 1 }, { attempt: 1.5 }, 'attempt'],
      ['a string attempt', 's', { data: 1 }, { attempt: '1' }, 'attempt'],
      ['a frame that is not an object', 's', 'data', {}, 'frame'],
      ['an empty kind', 's', { kind: '', data: 1 }, {}, 'frame.kind'],
      ['missing data', 's', {}, {}, 'frame.data'],
      ['NaN inside data', 's', { data: { x: [Number.NaN] } }, {}, 'frame.data.x[0]'],
      ['a Date inside data', 's', { data: { when: new Date(0) } }, {}, 'frame.data.when'],
      ['an unknown mode', 's', { data: 1, mode: 'forever' }, {}, 'frame.mode'],
      ['a zero ttl', 's', { data: 1, mode: { ttlMs: 0 } }, {}, 'frame.mode.ttlMs'],
      ['a negative ttl', 's', { data: 1, mode: { ttlMs: -5 } }, {}, 'frame.mode.ttlMs'],
      ['an infinite ttl', 's', { data: 1, mode: { ttlMs: Infinity } }, {}, 'frame.mode.ttlMs'],
      ['bytes as a summary patch', 's', { data: new Uint8Array([1]), mode: 'summary' }, {}, 'frame.data'],
    ])('refuses %s and writes nothing', async (_label, stream, frame, opts, path) => {
      const { streams } = await stores.open();
      const append = streams.append(stream as string, frame as never, opts as never);
      await expect(append).rejects.toBeInstanceOf(ValidationError);
      await expect(append).rejects.toMatchObject({ code: 'VALIDATION', path });
      expect((await streams.read('s')).frames).toEqual([]);
      expect((await streams.read('s', { attempt: 1 })).frames).toEqual([]);
    });
  });

  describe('read', () => {
    it('applies inclusive bounds and the limit from the low end', async () => {
      const { streams } = await stores.open();
      for (let i = 1; i <= 6; i++) await streams.append('s', { data: i });
      expect(seqs(await streams.read('s', { from: 2, to: 4 }))).toEqual([2, 3, 4]);
      expect(seqs(await streams.read('s', { from: 3, to: 3 }))).toEqual([3]);
      expect(seqs(await streams.read('s', { from: 2, limit: 2 }))).toEqual([2, 3]);
      expect(seqs(await streams.read('s', { to: 2 }))).toEqual([1, 2]);
      expect(seqs(await streams.read('s', { from: 0 }))).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await streams.read('s', { from: 5, to: 2 })).frames).toEqual([]);
      expect((await streams.read('s', { from: 7 })).frames).toEqual([]);
    });

    it('gives an empty page for a stream that does not exist', async () => {
      const { streams } = await stores.open();
      expect(await streams.read('nothing')).toEqual({ frames: [] });
    });

    it.each([
      ['limit 0', { limit: 0 }, 'limit'],
      ['a fractional limit', { limit: 1.5 }, 'limit'],
      ['a limit over the cap', { limit: 10_001 }, 'limit'],
      ["from '+'", { from: '+' }, 'from'],
      ['a negative from', { from: -1 }, 'from'],
      ["to '-'", { to: '-' }, 'to'],
      ['a negative attempt', { attempt: -1 }, 'attempt'],
    ])('refuses %s', async (_label, opts, path) => {
      const { streams } = await stores.open();
      await expect(streams.read('s', opts as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    });
  });

  describe('tail', () => {
    it('returns only frames after the cursor, up to the limit', async () => {
      const { streams } = await stores.open();
      for (let i = 1; i <= 5; i++) await streams.append('s', { data: i });
      expect(seqs(await streams.tail('s', { after: 2 }))).toEqual([3, 4, 5]);
      expect(seqs(await streams.tail('s', { after: 1, limit: 2 }))).toEqual([2, 3]);
      expect(await streams.tail('s', { after: 5 })).toEqual({ frames: [] });
    });

    it('waits for the first frame after the cursor, woken by the commit, not by the timeout', async () => {
      const store = await stores.open();
      await store.streams.append('s', { data: 'old' });
      const calls = countCalls(store);
      // A wait longer than the test's own timeout: only a wake-up can end it in time.
      const tail = store.streams.tail('s', { after: 1, blockMs: 60_000 });
      expect(await calls.settled('streams.tail', 0)).toEqual({ frames: [] });
      await store.streams.append('s', { data: 'new' });
      const page = await tail;
      expect(data(page)).toEqual(['new']);
      expect(seqs(page)).toEqual([2]);
    });

    it('does not query again while nothing is written to its stream, until one last read at the end', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const tail = store.streams.tail('quiet', { after: 0, blockMs: 1000 });
      await calls.settled('streams.tail', 0);
      // Notices for other streams and attempts must not wake it.
      await store.streams.append('loud', { data: 1 });
      await store.streams.append('quiet', { data: 1 }, { attempt: 1 });
      await store.globals.upsert('k', 1);
      expect(await tail).toEqual({ frames: [] });
      // The first check and the last one when the time ran out; a wake would have added more.
      expect(calls.count('streams.tail')).toBe(2);
    });

    it('reads once more when its time runs out, so a frame whose notice was lost is still returned', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      try {
        // Shorter than the safety re-check, so the whole wait is its last window.
        const tail = store.streams.tail('s', { after: 0, blockMs: 1000 });
        expect(await calls.settled('streams.tail', 0)).toEqual({ frames: [] });
        // This instance stops hearing notices, as a frozen tab or a dropped broadcast would.
        store.feed.close();
        await store.streams.append('s', { data: 'unannounced' });
        await vi.advanceTimersByTimeAsync(1000);
        expect(data(await tail)).toEqual(['unannounced']);
        expect(calls.count('streams.tail')).toBe(2);
      } finally {
        vi.useRealTimers();
      }
    });

    it('is woken by the notice alone: with the clock stopped, no timer can end the wait', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
      try {
        const tail = store.streams.tail('s', { after: 0, blockMs: 60_000 });
        await calls.settled('streams.tail', 0);
        await store.streams.append('elsewhere', { data: 1 });
        expect(calls.count('streams.tail')).toBe(1);
        await store.streams.append('s', { data: 'woken' });
        expect(data(await tail)).toEqual(['woken']);
        // The notice carried the small frame, so the tail did not read it back.
        expect(calls.count('streams.tail')).toBe(1);
      } finally {
        vi.useRealTimers();
      }
    });

    it('goes back to waiting after a wake that brings nothing visible', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const tail = store.streams.tail('s', { after: 0, blockMs: 60_000, visibility: 'durable' });
      await calls.settled('streams.tail', 0);
      await store.streams.append('s', { data: 'be', mode: { ttlMs: 60_000 } });
      expect(await calls.settled('streams.tail', 1)).toEqual({ frames: [] });
      await store.streams.append('s', { data: 'dur' });
      const page = await tail;
      expect(data(page)).toEqual(['dur']);
      expect(seqs(page)).toEqual([2]);
    });

    it('re-checks the database on its own when a notice is lost', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const tail = store.streams.tail('s', { after: 0, blockMs: 60_000 });
      await calls.settled('streams.tail', 0);
      // With the feed closed, no notice reaches this store: only the bounded safety re-check can find the frame.
      store.feed.close();
      await store.streams.append('s', { data: 'unannounced' });
      expect(data(await tail)).toEqual(['unannounced']);
    });

    it('returns at once with closedAt for a closed attempt, even with nothing to return', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: 1 });
      await streams.close('s');
      const page = await streams.tail('s', { after: 1, blockMs: 60_000 });
      expect(page.frames).toEqual([]);
      expect(page.closedAt).toBeGreaterThan(0);
    });

    it('wakes a waiting tail when the attempt is closed', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const tail = store.streams.tail('s', { after: 0, blockMs: 60_000 });
      await calls.settled('streams.tail', 0);
      await store.streams.close('s');
      const page = await tail;
      expect(page.frames).toEqual([]);
      expect(page.closedAt).toBeGreaterThan(0);
    });

    it('rejects with an AbortError when the signal aborts while it waits', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const controller = new AbortController();
      const tail = store.streams.tail('s', { after: 0, blockMs: 60_000, signal: controller.signal });
      await calls.settled('streams.tail', 0);
      controller.abort();
      await expect(tail).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('rejects an already aborted signal without reading', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(store.streams.tail('s', { after: 0, blockMs: 60_000, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
      expect(calls.count('streams.tail')).toBe(0);
    });

    it('scopes waiting to its attempt', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const tail = store.streams.tail('s', { attempt: 2, after: 0, blockMs: 60_000 });
      await calls.settled('streams.tail', 0);
      await store.streams.append('s', { data: 'attempt 0' });
      await store.streams.append('s', { data: 'attempt 2' }, { attempt: 2 });
      const page = await tail;
      expect(page.frames.map((f) => [f.attempt, f.data])).toEqual([[2, 'attempt 2']]);
    });

    it.each([
      ['a negative cursor', { after: -1 }, 'after'],
      ['a fractional cursor', { after: 0.5 }, 'after'],
      ['a missing cursor', {}, 'after'],
      ['a negative blockMs', { after: 0, blockMs: -1 }, 'blockMs'],
      ['an unknown visibility', { after: 0, visibility: 'some' }, 'visibility'],
      ['limit 0', { after: 0, limit: 0 }, 'limit'],
      ['a signal that is not one', { after: 0, signal: {} }, 'signal'],
    ])('refuses %s', async (_label, opts, path) => {
      const { streams } = await stores.open();
      await expect(streams.tail('s', opts as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    });
  });

  describe('follow', () => {
    it('yields every frame in order and ends once the closed attempt is drained', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: 0 });
      const seen: Frame[] = [];
      const done = (async () => {
        for await (const frame of streams.follow('s')) seen.push(frame);
      })();
      const appends = Array.from({ length: 300 }, (_, i) => streams.append('s', { data: i + 1 }));
      await Promise.all(appends);
      for (let i = 301; i <= 400; i++) await streams.append('s', { data: i });
      await streams.close('s');
      await done;
      expect(seen.map((f) => f.seq)).toEqual(Array.from({ length: 401 }, (_, i) => i + 1));
      expect(seen.map((f) => f.data)).toEqual(Array.from({ length: 401 }, (_, i) => i));
    });

    it('starts after the given seq, and skips nothing past a full page', async () => {
      const { streams } = await stores.open();
      await Promise.all(Array.from({ length: 1100 }, (_, i) => streams.append('s', { data: i })));
      await streams.close('s');
      const seen: number[] = [];
      for await (const frame of streams.follow('s', { after: 99 })) seen.push(frame.seq);
      expect(seen).toEqual(Array.from({ length: 1001 }, (_, i) => i + 100));
    });

    it('ends at once for a closed, drained attempt', async () => {
      const { streams } = await stores.open();
      await streams.close('s');
      const seen: Frame[] = [];
      for await (const frame of streams.follow('s')) seen.push(frame);
      expect(seen).toEqual([]);
    });

    it('stops listening when the loop breaks', async () => {
      const store = await stores.open();
      const feed = store.feed;
      const original = feed.subscribe.bind(feed);
      let released = 0;
      const subscribe = vi.spyOn(feed, 'subscribe').mockImplementation((listener) => {
        const off = original(listener);
        return () => {
          released += 1;
          return off();
        };
      });
      await store.streams.append('s', { data: 'one' });
      await store.streams.append('s', { data: 'two' });
      const seen: unknown[] = [];
      for await (const frame of store.streams.follow('s')) {
        seen.push(frame.data);
        if (seen.length === 1) break;
      }
      expect(seen).toEqual(['one']);
      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(released).toBe(1);
    });

    it('ends without throwing when the signal aborts while it waits', async () => {
      const store = await stores.open();
      const calls = countCalls(store);
      const controller = new AbortController();
      const seen: unknown[] = [];
      const done = (async () => {
        for await (const frame of store.streams.follow('s', { signal: controller.signal })) seen.push(frame.data);
      })();
      await store.streams.append('s', { data: 'a' });
      await vi.waitFor(() => expect(seen).toEqual(['a']), { timeout: 10_000, interval: 5 });
      await calls.settled('streams.tail', calls.count('streams.tail') - 1);
      controller.abort();
      await expect(done).resolves.toBeUndefined();
      expect(seen).toEqual(['a']);
    });

    it.each([
      ['an empty stream', '', {}, 'stream'],
      ["the open cursor '-'", 's', { after: '-' }, 'after'],
      ['a negative cursor', 's', { after: -2 }, 'after'],
      ['a bad attempt', 's', { attempt: 0.5 }, 'attempt'],
    ])('refuses %s at once', async (_label, stream, opts, path) => {
      const { streams } = await stores.open();
      expect(() => streams.follow(stream, opts as never)).toThrow(ValidationError);
      try {
        streams.follow(stream, opts as never);
      } catch (err) {
        expect(err).toMatchObject({ code: 'VALIDATION', path });
      }
    });
  });

  describe('summary', () => {
    it('merges nested objects recursively; null deletes; arrays and scalars replace', async () => {
      const { streams } = await stores.open();
      const patch = (p: unknown) => streams.append('s', { data: p as never, mode: 'summary' });
      await patch({ x: { y: 1 }, list: [1, 2], keep: 'k', gone: true });
      await patch({ x: { z: 2 }, list: [3], gone: null });
      expect((await streams.summary('s'))!.doc).toEqual({ x: { y: 1, z: 2 }, list: [3], keep: 'k' });
      await patch({ x: { y: null }, keep: { now: 'object', drop: null } });
      expect((await streams.summary('s'))!.doc).toEqual({ x: { z: 2 }, list: [3], keep: { now: 'object' } });
      await patch({ fresh: { deep: { n: null, m: 1 } } });
      expect((await streams.summary('s'))!.doc).toEqual({ x: { z: 2 }, list: [3], keep: { now: 'object' }, fresh: { deep: { m: 1 } } });
      expect((await streams.summary('s'))!.version).toBe(4);
    });

    it('replaces the whole document with a patch that is not an object', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: { a: 1 }, mode: 'summary' });
      await streams.append('s', { data: [1, 2], mode: 'summary' });
      expect((await streams.summary('s'))!.doc).toEqual([1, 2]);
      await streams.append('s', { data: null, mode: 'summary' });
      expect((await streams.summary('s'))!.doc).toBeNull();
      await streams.append('s', { data: { b: { c: null } }, mode: 'summary' });
      expect(await streams.summary('s')).toMatchObject({ doc: { b: {} }, version: 4 });
    });

    it('keeps a "__proto__" key as data', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: JSON.parse('{"__proto__": {"polluted": true}}') as never, mode: 'summary' });
      const { doc } = (await streams.summary('s'))!;
      expect(JSON.stringify(doc)).toBe('{"__proto__":{"polluted":true}}');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('counts every patch, even one that changes nothing, and fixes firstAppliedAt', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: { a: 1 }, mode: 'summary' });
      const first = (await streams.summary('s'))!;
      expect(first.version).toBe(1);
      expect(first.firstAppliedAt).toBe(first.lastUpdatedAt);
      await streams.append('s', { data: {}, mode: 'summary' });
      const second = (await streams.summary('s'))!;
      expect(second).toMatchObject({ doc: { a: 1 }, version: 2, firstAppliedAt: first.firstAppliedAt });
      expect(second.lastUpdatedAt).toBeGreaterThanOrEqual(first.lastUpdatedAt);
    });

    it('stores summary frames in the log, and keeps summaries per attempt', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: 'plain' });
      const frame = await streams.append('s', { data: { a: 1 }, mode: 'summary' });
      await streams.append('s', { data: { other: true }, mode: 'summary' }, { attempt: 1 });
      expect(frame).toMatchObject({ seq: 2, mode: 'summary', data: { a: 1 } });
      expect((await streams.read('s')).frames.map((f) => f.mode)).toEqual(['durable', 'summary']);
      // Summary frames are durable: 'durable' visibility keeps them.
      expect(seqs(await streams.tail('s', { after: 0, visibility: 'durable' }))).toEqual([1, 2]);
      expect((await streams.summary('s'))!.doc).toEqual({ a: 1 });
      expect(await streams.summary('s', { attempt: 1 })).toMatchObject({ doc: { other: true }, version: 1 });
      expect(await streams.summary('s', { attempt: 2 })).toBeUndefined();
    });

    it('stays unchanged when a patch is refused', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: { a: 1 }, mode: 'summary' });
      await streams.close('s');
      await expect(streams.append('s', { data: { a: 2 }, mode: 'summary' })).rejects.toBeInstanceOf(ValidationError);
      expect(await streams.summary('s')).toMatchObject({ doc: { a: 1 }, version: 1 });
    });
  });

  describe('close', () => {
    it('refuses later appends, writes nothing, and shows closedAt to readers', async () => {
      const { streams } = await stores.open();
      await streams.append('s', { data: 1 });
      const before = Date.now();
      await streams.close('s');
      const append = streams.append('s', { data: 2 });
      await expect(append).rejects.toBeInstanceOf(ValidationError);
      await expect(append).rejects.toMatchObject({ code: 'VALIDATION', path: 'stream' });
      const page = await streams.read('s');
      expect(data(page)).toEqual([1]);
      expect(page.closedAt).toBeGreaterThanOrEqual(before);
    });

    it('is idempotent and keeps the first closedAt', async () => {
      const { streams } = await stores.open();
      await streams.close('s');
      const first = (await streams.read('s')).closedAt!;
      await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(first), { interval: 1 });
      await expect(streams.close('s')).resolves.toBeUndefined();
      expect((await streams.read('s')).closedAt).toBe(first);
    });

    it('closes one attempt only', async () => {
      const { streams } = await stores.open();
      await streams.close('s', { attempt: 0 });
      const frame = await streams.append('s', { data: 'still open' }, { attempt: 1 });
      expect(frame.seq).toBe(1);
      expect((await streams.read('s', { attempt: 1 })).closedAt).toBeUndefined();
      expect(await streams.append('t', { data: 'other stream' })).toMatchObject({ seq: 1 });
    });
  });

  describe('change notices', () => {
    it('announces an append with the (stream, attempt) key and seq, after commit', async () => {
      const store = await stores.open();
      const change = nextChange(store, (c) => c.module === 'streams');
      await store.streams.append('odd/"name"', { data: 1 }, { attempt: 3 });
      expect(await change).toEqual({ module: 'streams', key: streamKey('odd/"name"', 3), seq: 1, version: expect.any(Number) });
    });

    it('announces best-effort appends and close', async () => {
      const store = await stores.open();
      const be = nextChange(store, (c) => c.module === 'streams' && c.seq === 1);
      await store.streams.append('s', { data: 1, mode: { ttlMs: 1000 } });
      expect(await be).toMatchObject({ key: streamKey('s') });
      const closed = nextChange(store, (c) => c.module === 'streams' && c.seq === undefined);
      await store.streams.close('s');
      expect(await closed).toMatchObject({ module: 'streams', key: streamKey('s') });
    });
  });
});
