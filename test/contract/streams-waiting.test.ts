import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError, type Frame } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { countCalls, data, seqs } from '../support/streams.js';

describe.each(backends)('streams: waiting readers ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => {
    vi.restoreAllMocks();
    return stores.closeAll();
  });
  // Cases that wait on a stream name of their own (freshName) share one store; those that close its change feed open their own.
  const shared = sharedStore(backend);

  describe('tail', () => {
    it('returns only frames after the cursor, up to the limit', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      for (let i = 1; i <= 5; i++) await streams.append(s, { data: i });
      expect(seqs(await streams.tail(s, { after: 2 }))).toEqual([3, 4, 5]);
      expect(seqs(await streams.tail(s, { after: 1, limit: 2 }))).toEqual([2, 3]);
      expect(await streams.tail(s, { after: 5 })).toEqual({ frames: [] });
    });

    it('waits for the first frame after the cursor, woken by the commit, not by the timeout', async () => {
      const store = await shared();
      const s = freshName('s');
      await store.streams.append(s, { data: 'old' });
      const calls = countCalls(store);
      // A wait longer than the test's own timeout: only a wake-up can end it in time.
      const tail = store.streams.tail(s, { after: 1, blockMs: 60_000 });
      expect(await calls.settled('streams.tail', 0)).toEqual({ frames: [] });
      await store.streams.append(s, { data: 'new' });
      const page = await tail;
      expect(data(page)).toEqual(['new']);
      expect(seqs(page)).toEqual([2]);
    });

    it('does not query again while nothing is written to its stream, until one last read at the end', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const tail = store.streams.tail(s, { after: 0, blockMs: 1000 });
      await calls.settled('streams.tail', 0);
      // Notices for other streams and attempts must not wake it.
      await store.streams.append('loud', { data: 1 });
      await store.streams.append(s, { data: 1 }, { attempt: 1 });
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
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
      try {
        const tail = store.streams.tail(s, { after: 0, blockMs: 60_000 });
        await calls.settled('streams.tail', 0);
        await store.streams.append('elsewhere', { data: 1 });
        expect(calls.count('streams.tail')).toBe(1);
        await store.streams.append(s, { data: 'woken' });
        expect(data(await tail)).toEqual(['woken']);
        // The notice carried the small frame, so the tail did not read it back.
        expect(calls.count('streams.tail')).toBe(1);
      } finally {
        vi.useRealTimers();
      }
    });

    it('goes back to waiting after a wake that brings nothing visible', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const tail = store.streams.tail(s, { after: 0, blockMs: 60_000, visibility: 'durable' });
      await calls.settled('streams.tail', 0);
      await store.streams.append(s, { data: 'be', mode: { ttlMs: 60_000 } });
      expect(await calls.settled('streams.tail', 1)).toEqual({ frames: [] });
      await store.streams.append(s, { data: 'dur' });
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
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: 1 });
      await streams.close(s);
      const page = await streams.tail(s, { after: 1, blockMs: 60_000 });
      expect(page.frames).toEqual([]);
      expect(page.closedAt).toBeGreaterThan(0);
    });

    it('wakes a waiting tail when the attempt is closed', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const tail = store.streams.tail(s, { after: 0, blockMs: 60_000 });
      await calls.settled('streams.tail', 0);
      await store.streams.close(s);
      const page = await tail;
      expect(page.frames).toEqual([]);
      expect(page.closedAt).toBeGreaterThan(0);
    });

    it('rejects with an AbortError when the signal aborts while it waits', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const controller = new AbortController();
      const tail = store.streams.tail(s, { after: 0, blockMs: 60_000, signal: controller.signal });
      await calls.settled('streams.tail', 0);
      controller.abort();
      await expect(tail).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('rejects an already aborted signal without reading', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      await expect(store.streams.tail(s, { after: 0, blockMs: 60_000, signal: controller.signal })).rejects.toMatchObject({
        name: 'AbortError',
      });
      expect(calls.count('streams.tail')).toBe(0);
    });

    it('scopes waiting to its attempt', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const tail = store.streams.tail(s, { attempt: 2, after: 0, blockMs: 60_000 });
      await calls.settled('streams.tail', 0);
      await store.streams.append(s, { data: 'attempt 0' });
      await store.streams.append(s, { data: 'attempt 2' }, { attempt: 2 });
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
      const { streams } = await shared();
      const s = freshName('s');
      await expect(streams.tail(s, opts as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    });
  });

  describe('follow', () => {
    it('yields every frame in order and ends once the closed attempt is drained', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: 0 });
      const seen: Frame[] = [];
      const done = (async () => {
        for await (const frame of streams.follow(s)) seen.push(frame);
      })();
      const appends = Array.from({ length: 300 }, (_, i) => streams.append(s, { data: i + 1 }));
      await Promise.all(appends);
      for (let i = 301; i <= 400; i++) await streams.append(s, { data: i });
      await streams.close(s);
      await done;
      expect(seen.map((f) => f.seq)).toEqual(Array.from({ length: 401 }, (_, i) => i + 1));
      expect(seen.map((f) => f.data)).toEqual(Array.from({ length: 401 }, (_, i) => i));
    });

    it('starts after the given seq, and skips nothing past a full page', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await Promise.all(Array.from({ length: 1100 }, (_, i) => streams.append(s, { data: i })));
      await streams.close(s);
      const seen: number[] = [];
      for await (const frame of streams.follow(s, { after: 99 })) seen.push(frame.seq);
      expect(seen).toEqual(Array.from({ length: 1001 }, (_, i) => i + 100));
    });

    it('ends at once for a closed, drained attempt', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.close(s);
      const seen: Frame[] = [];
      for await (const frame of streams.follow(s)) seen.push(frame);
      expect(seen).toEqual([]);
    });

    it('stops listening when the loop breaks', async () => {
      const store = await shared();
      const s = freshName('s');
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
      await store.streams.append(s, { data: 'one' });
      await store.streams.append(s, { data: 'two' });
      const seen: unknown[] = [];
      for await (const frame of store.streams.follow(s)) {
        seen.push(frame.data);
        if (seen.length === 1) break;
      }
      expect(seen).toEqual(['one']);
      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(released).toBe(1);
    });

    it('ends without throwing when the signal aborts while it waits', async () => {
      const store = await shared();
      const s = freshName('s');
      const calls = countCalls(store);
      const controller = new AbortController();
      const seen: unknown[] = [];
      const done = (async () => {
        for await (const frame of store.streams.follow(s, { signal: controller.signal })) seen.push(frame.data);
      })();
      await store.streams.append(s, { data: 'a' });
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
      const { streams } = await shared();
      expect(() => streams.follow(stream, opts as never)).toThrow(ValidationError);
      try {
        streams.follow(stream, opts as never);
      } catch (err) {
        expect(err).toMatchObject({ code: 'VALIDATION', path });
      }
    });
  });
});
