import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Frame, FrameInput, Store } from '../../src/index.js';
import { nextChange, Stores, uniqueName } from '../support/backends.js';
import { durableStorages } from '../support/engine.js';
import { freshName } from '../support/shared-store.js';

/**
 * Watches `store`'s engine calls (a counter, not a stand-in); the returned
 * function resolves once the first tail query made after this call settled.
 */
function watchFirstTail(store: Store): () => Promise<void> {
  const spy = vi.spyOn(store.batcher, 'call');
  return async () => {
    const index = () => spy.mock.calls.findIndex((c) => c[0] === 'streams.tail');
    await vi.waitFor(() => expect(index()).toBeGreaterThanOrEqual(0), { timeout: 10_000, interval: 5 });
    await spy.mock.results[index()]!.value;
  };
}

// Two store instances of one database in one page: A leads (owns the worker), B forwards its calls to A.
describe.each(durableStorages)('streams across store instances (%s)', (storage) => {
  const backend = { label: storage, storage, durable: true, options: { storage } } as const;
  const stores = new Stores(backend);
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });

  async function openPair(from: Stores): Promise<[Store, Store]> {
    const name = uniqueName('streams-x');
    const a = await from.open(name);
    const b = await from.open(name);
    return [a, b];
  }

  async function pair(): Promise<[Store, Store]> {
    const [a, b] = await openPair(stores);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    return [a, b];
  }

  // One pair for the cases that each use a stream of their own (freshName), opened on first use and closed after the block.
  const sharedStores = new Stores(backend);
  let opened: Promise<[Store, Store]> | undefined;
  afterAll(() => sharedStores.closeAll());
  async function sharedPair(): Promise<[Store, Store]> {
    const [a, b] = await (opened ??= openPair(sharedStores));
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    return [a, b];
  }

  it('wakes a tail waiting in B when A appends', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const firstTailSettled = watchFirstTail(b);
    // With the clock stopped, neither the timeout nor the safety re-check can end the wait: only A's notice can.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const tail = b.streams.tail(s, { after: 0, blockMs: 60_000 });
      await firstTailSettled();
      await a.streams.append(s, { kind: 'stdout', data: 'from A' });
      const page = await tail;
      expect(page.frames.map((f) => [f.seq, f.data])).toEqual([[1, 'from A']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wakes a tail waiting in A when B appends', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const firstTailSettled = watchFirstTail(a);
    const tail = a.streams.tail(s, { after: 0, blockMs: 60_000 });
    await firstTailSettled();
    await b.streams.append(s, { data: new Uint8Array([7, 8]) });
    const [frame] = (await tail).frames;
    expect(frame!.data).toBeInstanceOf(Uint8Array);
    expect([...(frame!.data as Uint8Array)]).toEqual([7, 8]);
  });

  it('follows 1,000 frames appended concurrently by both instances: each once, in seq order, until A closes', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const seen: Frame[] = [];
    const followed = (async () => {
      for await (const frame of b.streams.follow(s)) seen.push(frame);
    })();
    const appends = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? b : a).streams.append(s, { data: i }));
    const frames = await Promise.all(appends);
    await a.streams.close(s);
    await followed;
    expect(seen.map((f) => f.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(frames.map((f) => f.seq)).size).toBe(1000);
    const byData = new Map(frames.map((f) => [f.data, f.seq]));
    expect(seen.every((f) => byData.get(f.data) === f.seq)).toBe(true);
  });

  it('ends a follow in B when A closes the stream', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    await a.streams.append(s, { data: 'only' });
    const seen: unknown[] = [];
    const followed = (async () => {
      for await (const frame of b.streams.follow(s)) seen.push(frame.data);
    })();
    await vi.waitFor(() => expect(seen).toEqual(['only']), { timeout: 10_000, interval: 5 });
    await a.streams.close(s);
    await followed;
    expect(seen).toEqual(['only']);
    expect((await b.streams.read(s)).closedAt).toBeGreaterThan(0);
  });

  /** Counts B's reads of the stream: the first peek, plus one for every frame not carried by its notice. */
  const tailCalls = (store: Store) => {
    const spy = vi.spyOn(store.batcher, 'call');
    return () => spy.mock.calls.filter((c) => c[0] === 'streams.tail').length;
  };

  it('hands B the frame carried by the notice, identical to reading it, without reading it back', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const reads = tailCalls(b);
    const firstTailSettled = watchFirstTail(b);
    const frames: FrameInput[] = [
      { kind: 'text', data: { text: 'héllo 👋', n: 1.5, nested: [null, true, { z: '' }] } },
      { data: new Uint8Array([0, 255, 7]) },
      { kind: 'patch', data: { progress: 10 }, mode: 'summary' },
    ];
    for (const [i, frame] of frames.entries()) {
      const tail = b.streams.tail(s, { after: i, blockMs: 60_000 });
      if (i === 0) await firstTailSettled();
      else await vi.waitFor(() => expect(reads()).toBe(i + 1), { timeout: 10_000, interval: 2 });
      await a.streams.append(s, frame);
      const page = await tail;
      expect(page.frames).toHaveLength(1);
      expect(page.frames).toEqual((await b.streams.read(s, { from: i + 1, to: i + 1 })).frames);
    }
    // One read per tail (its first check, before the frame existed); none after a wake.
    expect(reads()).toBe(frames.length);
  });

  it('reads back what a notice does not carry: a large frame, a best-effort frame, a close', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const big = 'x'.repeat(40_000);
    const firstTailSettled = watchFirstTail(b);
    const tail = b.streams.tail(s, { after: 0, blockMs: 60_000 });
    await firstTailSettled();
    await a.streams.append(s, { data: big });
    expect((await tail).frames.map((f) => f.data)).toEqual([big]);

    const waiting = b.streams.tail(s, { after: 1, blockMs: 60_000 });
    await a.streams.append(s, { data: 'fleeting', mode: { ttlMs: 60_000 } });
    expect((await waiting).frames.map((f) => [f.seq, f.mode])).toEqual([[2, 'best-effort']]);

    // A durable-only tail skips the best-effort frame and takes the next durable one.
    const durableOnly = b.streams.tail(s, { after: 1, blockMs: 60_000, visibility: 'durable' });
    const closing = b.streams.tail(s, { after: 3, blockMs: 60_000 });
    await a.streams.append(s, { data: 'kept' });
    expect((await durableOnly).frames.map((f) => [f.seq, f.data])).toEqual([[3, 'kept']]);
    await a.streams.close(s);
    const closed = await closing;
    expect(closed.frames).toEqual([]);
    expect(closed.closedAt).toBeGreaterThan(0);
  });

  it('follows mixed frames in B (carried and read back) each once, in order, equal to a read', async () => {
    const [a, b] = await sharedPair();
    const s = freshName('s');
    const seen: Frame[] = [];
    const followed = (async () => {
      for await (const frame of b.streams.follow(s)) seen.push(frame);
    })();
    const kinds: FrameInput[] = [
      { data: 'small' },
      { data: 'y'.repeat(20_000) },
      { data: { step: 1 }, mode: 'summary' },
      { data: 'soon gone', mode: { ttlMs: 60_000 } },
      { data: new Uint8Array([1, 2, 3]) },
    ];
    for (let i = 0; i < 60; i++) {
      await a.streams.append(s, kinds[i % kinds.length]!);
      // Now and then a whole burst in one batch, so one notice carries several frames.
      if (i % 10 === 0) await Promise.all(kinds.map((k) => a.streams.append(s, k)));
    }
    await a.streams.close(s);
    await followed;
    const all = await b.streams.read(s, { limit: 1000 });
    expect(seen).toEqual(all.frames);
    expect(seen.map((f) => f.seq)).toEqual(Array.from({ length: all.frames.length }, (_, i) => i + 1));
  });

  it('fires onChange in the other instance', async () => {
    const [a, b] = await pair();
    const inB = nextChange(b, (c) => c.module === 'outputs');
    await a.outputs.put('run', 'node', 1);
    expect(await inB).toMatchObject({ module: 'outputs', key: '["run","node"]' });
    const inA = nextChange(a, (c) => c.module === 'streams');
    await b.streams.append('from-b', { data: true }, { attempt: 4 });
    expect(await inA).toMatchObject({ key: JSON.stringify(['from-b', 4]), seq: 1 });
  });
});
