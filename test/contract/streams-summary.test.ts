import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { seqs } from '../support/streams.js';

describe.each(backends)('streams: summaries ($label)', (backend) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  // Every case patches a stream of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  describe('summary', () => {
    it('merges nested objects recursively; null deletes; arrays and scalars replace', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      const patch = (p: unknown) => streams.append(s, { data: p as never, mode: 'summary' });
      await patch({ x: { y: 1 }, list: [1, 2], keep: 'k', gone: true });
      await patch({ x: { z: 2 }, list: [3], gone: null });
      expect((await streams.summary(s))!.doc).toEqual({ x: { y: 1, z: 2 }, list: [3], keep: 'k' });
      await patch({ x: { y: null }, keep: { now: 'object', drop: null } });
      expect((await streams.summary(s))!.doc).toEqual({ x: { z: 2 }, list: [3], keep: { now: 'object' } });
      await patch({ fresh: { deep: { n: null, m: 1 } } });
      expect((await streams.summary(s))!.doc).toEqual({ x: { z: 2 }, list: [3], keep: { now: 'object' }, fresh: { deep: { m: 1 } } });
      expect((await streams.summary(s))!.version).toBe(4);
    });

    it('replaces the whole document with a patch that is not an object', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: { a: 1 }, mode: 'summary' });
      await streams.append(s, { data: [1, 2], mode: 'summary' });
      expect((await streams.summary(s))!.doc).toEqual([1, 2]);
      await streams.append(s, { data: null, mode: 'summary' });
      expect((await streams.summary(s))!.doc).toBeNull();
      await streams.append(s, { data: { b: { c: null } }, mode: 'summary' });
      expect(await streams.summary(s)).toMatchObject({ doc: { b: {} }, version: 4 });
    });

    it('keeps a "__proto__" key as data', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: JSON.parse('{"__proto__": {"polluted": true}}') as never, mode: 'summary' });
      const { doc } = (await streams.summary(s))!;
      expect(JSON.stringify(doc)).toBe('{"__proto__":{"polluted":true}}');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('counts every patch, even one that changes nothing, and fixes firstAppliedAt', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: { a: 1 }, mode: 'summary' });
      const first = (await streams.summary(s))!;
      expect(first.version).toBe(1);
      expect(first.firstAppliedAt).toBe(first.lastUpdatedAt);
      await streams.append(s, { data: {}, mode: 'summary' });
      const second = (await streams.summary(s))!;
      expect(second).toMatchObject({ doc: { a: 1 }, version: 2, firstAppliedAt: first.firstAppliedAt });
      expect(second.lastUpdatedAt).toBeGreaterThanOrEqual(first.lastUpdatedAt);
    });

    it('stores summary frames in the log, and keeps summaries per attempt', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: 'plain' });
      const frame = await streams.append(s, { data: { a: 1 }, mode: 'summary' });
      await streams.append(s, { data: { other: true }, mode: 'summary' }, { attempt: 1 });
      expect(frame).toMatchObject({ seq: 2, mode: 'summary', data: { a: 1 } });
      expect((await streams.read(s)).frames.map((f) => f.mode)).toEqual(['durable', 'summary']);
      // Summary frames are durable: 'durable' visibility keeps them.
      expect(seqs(await streams.tail(s, { after: 0, visibility: 'durable' }))).toEqual([1, 2]);
      expect((await streams.summary(s))!.doc).toEqual({ a: 1 });
      expect(await streams.summary(s, { attempt: 1 })).toMatchObject({ doc: { other: true }, version: 1 });
      expect(await streams.summary(s, { attempt: 2 })).toBeUndefined();
    });

    it('stays unchanged when a patch is refused', async () => {
      const { streams } = await shared();
      const s = freshName('s');
      await streams.append(s, { data: { a: 1 }, mode: 'summary' });
      await streams.close(s);
      await expect(streams.append(s, { data: { a: 2 }, mode: 'summary' })).rejects.toBeInstanceOf(ValidationError);
      expect(await streams.summary(s)).toMatchObject({ doc: { a: 1 }, version: 1 });
    });
  });
});
