import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Frame, Store } from '../../src/index.js';
import { nextChange, Stores, uniqueName } from '../backends.js';

/**
 * Watches `store`'s engine calls (a counter, not a stand-in); the returned
 * function resolves once the first tail query made after this call settled.
 */
function watchFirstTail(store: Store): () => Promise<void> {
  const spy = vi.spyOn(store.rpc, 'call');
  return async () => {
    const index = () => spy.mock.calls.findIndex((c) => c[0] === 'streams.tail');
    await vi.waitFor(() => expect(index()).toBeGreaterThanOrEqual(0), { timeout: 10_000, interval: 5 });
    await spy.mock.results[index()]!.value;
  };
}

// Two store instances of one database in one page: A leads (owns the worker), B forwards its calls to A.
describe.each(['opfs', 'idb'] as const)('streams across store instances (%s)', (storage) => {
  const stores = new Stores({ label: storage, durable: true, options: { storage } });
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });

  async function pair(): Promise<[Store, Store]> {
    const name = uniqueName('streams-x');
    const a = await stores.open(name);
    const b = await stores.open(name);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    return [a, b];
  }

  it('wakes a tail waiting in B when A appends', async () => {
    const [a, b] = await pair();
    const firstTailSettled = watchFirstTail(b);
    // With the clock stopped, neither the timeout nor the safety re-check can end the wait: only A's notice can.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const tail = b.streams.tail('s', { after: 0, blockMs: 60_000 });
      await firstTailSettled();
      await a.streams.append('s', { kind: 'stdout', data: 'from A' });
      const page = await tail;
      expect(page.frames.map((f) => [f.seq, f.data])).toEqual([[1, 'from A']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('wakes a tail waiting in A when B appends', async () => {
    const [a, b] = await pair();
    const firstTailSettled = watchFirstTail(a);
    const tail = a.streams.tail('s', { after: 0, blockMs: 60_000 });
    await firstTailSettled();
    await b.streams.append('s', { data: new Uint8Array([7, 8]) });
    const [frame] = (await tail).frames;
    expect(frame!.data).toBeInstanceOf(Uint8Array);
    expect([...(frame!.data as Uint8Array)]).toEqual([7, 8]);
  });

  it('follows 1,000 frames appended concurrently by both instances: each once, in seq order, until A closes', async () => {
    const [a, b] = await pair();
    const seen: Frame[] = [];
    const followed = (async () => {
      for await (const frame of b.streams.follow('s')) seen.push(frame);
    })();
    const appends = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? b : a).streams.append('s', { data: i }));
    const frames = await Promise.all(appends);
    await a.streams.close('s');
    await followed;
    expect(seen.map((f) => f.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(frames.map((f) => f.seq)).size).toBe(1000);
    const byData = new Map(frames.map((f) => [f.data, f.seq]));
    expect(seen.every((f) => byData.get(f.data) === f.seq)).toBe(true);
  });

  it('ends a follow in B when A closes the stream', async () => {
    const [a, b] = await pair();
    await a.streams.append('s', { data: 'only' });
    const seen: unknown[] = [];
    const followed = (async () => {
      for await (const frame of b.streams.follow('s')) seen.push(frame.data);
    })();
    await vi.waitFor(() => expect(seen).toEqual(['only']), { timeout: 10_000, interval: 5 });
    await a.streams.close('s');
    await followed;
    expect(seen).toEqual(['only']);
    expect((await b.streams.read('s')).closedAt).toBeGreaterThan(0);
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
