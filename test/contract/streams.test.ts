import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError, type Json } from '../../src/index.js';
import { backends, nextChange, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { data, seqs, streamKey } from '../support/streams.js';

describe.each(backends)('streams ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });
  // Cases that write under a stream name of their own (freshName) share one store; those that read the whole database open their own.
  const shared = sharedStore(backend);

  describe('a log of frames', () => {
    it('reads frames in append order, with no closedAt while open', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      for (let i = 0; i < 3; i++) await streams.append(s, { kind: 'stdout', data: `payload-${i}` });
      const page = await streams.read(s, { from: '-', to: '+', limit: 100 });
      expect(data(page)).toEqual(['payload-0', 'payload-1', 'payload-2']);
      expect(seqs(page)).toEqual([1, 2, 3]);
      expect(page.frames.every((f) => f.kind === 'stdout')).toBe(true);
      expect(page.closedAt).toBeUndefined();
      expect('closedAt' in page).toBe(false);
    });

    it('resumes pagination from an inclusive cursor: the cursor frame comes back first', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      for (let i = 0; i < 5; i++) await streams.append(s, { kind: 'stdout', data: `p${i}` });
      const page1 = await streams.read(s, { from: '-', to: '+', limit: 2 });
      expect(seqs(page1)).toEqual([1, 2]);
      const last = page1.frames.at(-1)!.seq;
      const page2 = await streams.read(s, { from: last, to: '+', limit: 100 });
      expect(page2.frames.length).toBeGreaterThanOrEqual(3);
      expect(page2.frames[0]!.seq).toBe(last);
      expect(seqs(page2)).toEqual([2, 3, 4, 5]);
      expect(data(page2)).toEqual(['p1', 'p2', 'p3', 'p4']);
    });

    it('keeps one log per attempt, each numbered from 1', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { kind: 'stdout', data: 'a0-0' });
      await streams.append(s, { kind: 'stdout', data: 'a0-1' });
      await streams.append(s, { kind: 'stdout', data: 'a1-only' }, { attempt: 1 });
      const a0 = await streams.read(s, { attempt: 0, from: '-', to: '+' });
      const a1 = await streams.read(s, { attempt: 1, from: '-', to: '+' });
      expect(data(a0)).toEqual(['a0-0', 'a0-1']);
      expect(a1.frames).toHaveLength(1);
      expect(a1.frames[0]).toMatchObject({ data: 'a1-only', seq: 1, attempt: 1 });
    });

    it('merges summary patches into one document, one version per patch', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { kind: 'event', data: { a: 1 }, mode: 'summary' });
      await streams.append(s, { kind: 'event', data: { b: 2 }, mode: 'summary' });
      const summary = await streams.summary(s);
      expect(summary).toBeDefined();
      expect(summary!.version).toBe(2);
      expect(summary!.doc).toEqual({ a: 1, b: 2 });
      expect(summary!.firstAppliedAt).toBeGreaterThan(0);
      expect(summary!.lastUpdatedAt).toBeGreaterThan(0);
      expect(summary!.firstAppliedAt).toBeLessThanOrEqual(summary!.lastUpdatedAt);
    });

    it('gives undefined for a summary that was never written', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await expect(streams.summary(s)).resolves.toBeUndefined();
    });

    it('tail returns existing frames at once (fast path)', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { kind: 'stdout', data: 'first' });
      const page = await streams.tail(s, { after: 0, blockMs: 0, limit: 100, visibility: 'all' });
      expect(data(page)).toEqual(['first']);
    });

    it('tail blocks, then wakes on an append', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      let settled = false;
      // blockMs outlasts the test timeout: only the append can end this wait.
      const tail = streams.tail(s, { after: 0, blockMs: 120_000, limit: 100, visibility: 'all' }).finally(() => (settled = true));
      await streams.read(s); // a full round trip to the engine while the tail waits
      expect(settled).toBe(false);
      await streams.append(s, { kind: 'stdout', data: 'late' });
      expect(data(await tail)).toEqual(['late']);
    });

    it('tail times out with empty frames and no closedAt', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      const page = await streams.tail(s, { after: 0, blockMs: 150, limit: 100, visibility: 'all' });
      expect(page).toEqual({ frames: [] });
    });

    it.each(['-', '+'])('tail refuses the open cursor %s', async (cursor) => {
      const { streams } = await shared();
      const s = freshName('s');
      const tail = streams.tail(s, { after: cursor as never, blockMs: 0, limit: 100, visibility: 'all' });
      await expect(tail).rejects.toBeInstanceOf(ValidationError);
      await expect(tail).rejects.toMatchObject({ code: 'VALIDATION', path: 'after' });
    });

    it('visibility durable leaves out best-effort frames, which still take a seq', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { kind: 'stdout', data: 'dur' });
      const be = await streams.append(s, { kind: 'stdout', data: 'be', mode: { ttlMs: 60_000 } });
      expect(be).toMatchObject({ seq: 2, mode: 'best-effort' });
      const all = await streams.tail(s, { after: 0, blockMs: 0, limit: 100, visibility: 'all' });
      expect(data(all)).toEqual(['dur', 'be']);
      const durable = await streams.tail(s, { after: 0, blockMs: 0, limit: 100, visibility: 'durable' });
      expect(data(durable)).toEqual(['dur']);
    });
  });

  describe('append', () => {
    it('returns the stored frame, with kind defaulting to event', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      const before = Date.now();
      const frame = await streams.append(s, { data: { step: 1 } });
      expect(frame).toEqual({ stream: s, attempt: 0, seq: 1, kind: 'event', data: { step: 1 }, mode: 'durable', at: expect.any(Number) });
      expect(frame.at).toBeGreaterThanOrEqual(before);
      const [stored] = (await streams.read(s)).frames;
      expect(stored).toEqual(frame);
    });

    it('gives bytes back as a Uint8Array, and keeps JSON strings distinct from bytes', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      const bytes = new Uint8Array([0, 1, 127, 128, 255]);
      await streams.append(s, { kind: 'stdout', data: bytes });
      await streams.append(s, { kind: 'stdout', data: new Uint8Array(0) });
      await streams.append(s, { kind: 'stdout', data: '\u0000\u0001' });
      const [a, b, c] = (await streams.read(s)).frames;
      expect(a!.data).toBeInstanceOf(Uint8Array);
      expect([...(a!.data as Uint8Array)]).toEqual([0, 1, 127, 128, 255]);
      expect(b!.data).toBeInstanceOf(Uint8Array);
      expect((b!.data as Uint8Array).byteLength).toBe(0);
      expect(c!.data).toBe('\u0000\u0001');
    });

    it('round-trips JSON values deep-equal', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      const values: Json[] = [null, 0, -1.5, true, '', 'x'.repeat(100_000), [], {}, { nested: { list: [1, { a: null }] } }];
      for (const value of values) await streams.append(s, { data: value });
      expect(data(await streams.read(s))).toStrictEqual(values);
    });

    it('numbers seq 1, 2, 3… per (stream, attempt), independent across streams', async () => {
      const { streams } = await shared();
      const [sa, sb] = [freshName('a'), freshName('b')];
      const a = await streams.append(sa, { data: 1 });
      const b = await streams.append(sb, { data: 1 });
      const a2 = await streams.append(sa, { data: 2 });
      const a1 = await streams.append(sa, { data: 1 }, { attempt: 1 });
      expect([a.seq, b.seq, a2.seq, a1.seq]).toEqual([1, 1, 2, 1]);
    });

    it('gives 10,000 concurrent appends distinct, gapless seqs in a few transactions', async () => {
      const store = await shared();
      const s = freshName('s');
      const transactions = new Set<number>();
      let noticed = 0;
      const allNoticed = new Promise<void>((resolve) => {
        store.onChange((c) => {
          if (c.module !== 'streams' || c.key !== streamKey(s)) return;
          transactions.add(c.version);
          if (++noticed === 10_000) resolve();
        });
      });
      const frames = await Promise.all(Array.from({ length: 10_000 }, (_, i) => store.streams.append(s, { data: i })));
      expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
      const page = await store.streams.read(s, { limit: 10_000 });
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
      const { streams } = await shared();
      const s = freshName('s');
      // The rows' 's' stands for a stream name of this case's own.
      const append = streams.append(stream === 's' ? s : (stream as string), frame as never, opts as never);
      await expect(append).rejects.toBeInstanceOf(ValidationError);
      await expect(append).rejects.toMatchObject({ code: 'VALIDATION', path });
      expect((await streams.read(s)).frames).toEqual([]);
      expect((await streams.read(s, { attempt: 1 })).frames).toEqual([]);
    });
  });

  describe('read', () => {
    it('applies inclusive bounds and the limit from the low end', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      for (let i = 1; i <= 6; i++) await streams.append(s, { data: i });
      expect(seqs(await streams.read(s, { from: 2, to: 4 }))).toEqual([2, 3, 4]);
      expect(seqs(await streams.read(s, { from: 3, to: 3 }))).toEqual([3]);
      expect(seqs(await streams.read(s, { from: 2, limit: 2 }))).toEqual([2, 3]);
      expect(seqs(await streams.read(s, { to: 2 }))).toEqual([1, 2]);
      expect(seqs(await streams.read(s, { from: 0 }))).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await streams.read(s, { from: 5, to: 2 })).frames).toEqual([]);
      expect((await streams.read(s, { from: 7 })).frames).toEqual([]);
    });

    it('gives an empty page for a stream that does not exist', async () => {
      const { streams } = await shared();
      expect(await streams.read(freshName('nothing'))).toEqual({ frames: [] });
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
      const { streams } = await shared();
      const s = freshName('s');
      await expect(streams.read(s, opts as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    });
  });

  describe('close', () => {
    it('refuses later appends, writes nothing, and shows closedAt to readers', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: 1 });
      const before = Date.now();
      await streams.close(s);
      const append = streams.append(s, { data: 2 });
      await expect(append).rejects.toBeInstanceOf(ValidationError);
      await expect(append).rejects.toMatchObject({ code: 'VALIDATION', path: 'stream' });
      const page = await streams.read(s);
      expect(data(page)).toEqual([1]);
      expect(page.closedAt).toBeGreaterThanOrEqual(before);
    });

    it('is idempotent and keeps the first closedAt', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.close(s);
      const first = (await streams.read(s)).closedAt!;
      await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(first), { interval: 1 });
      await expect(streams.close(s)).resolves.toBeUndefined();
      expect((await streams.read(s)).closedAt).toBe(first);
    });

    it('closes one attempt only', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.close(s, { attempt: 0 });
      const frame = await streams.append(s, { data: 'still open' }, { attempt: 1 });
      expect(frame.seq).toBe(1);
      expect((await streams.read(s, { attempt: 1 })).closedAt).toBeUndefined();
      expect(await streams.append(freshName('t'), { data: 'other stream' })).toMatchObject({ seq: 1 });
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
      const store = await shared();
      const s = freshName('s');
      const be = nextChange(store, (c) => c.module === 'streams' && c.key === streamKey(s) && c.seq === 1);
      await store.streams.append(s, { data: 1, mode: { ttlMs: 1000 } });
      expect(await be).toMatchObject({ key: streamKey(s) });
      const closed = nextChange(store, (c) => c.module === 'streams' && c.key === streamKey(s) && c.seq === undefined);
      await store.streams.close(s);
      expect(await closed).toMatchObject({ module: 'streams', key: streamKey(s) });
    });
  });
});
