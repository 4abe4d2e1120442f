import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';

const final = (content: string, ok = true) => ({ type: 'final', content, ok });

describe.each(backends)('records ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  // Cases under task ids and producers of their own (freshName) share one store; the one that expects the first seq opens its own.
  const shared = sharedStore(backend);

  it('appends and reads back every field', async () => {
    const store = await stores.open();
    const before = Date.now();
    const id = await store.records.append({ taskId: 'task-1', attempt: 1, producer: 'producer-a', event: final('hello'), parents: [] });
    const entry = await store.records.get(id);
    expect(entry).toMatchObject({ id, taskId: 'task-1', attempt: 1, producer: 'producer-a', event: final('hello'), parents: [], seq: 1 });
    expect(entry.createdAt).toBeGreaterThanOrEqual(before);
    expect(entry.createdAt).toBeLessThanOrEqual(Date.now());
  });

  it('gives identical appends distinct ids and increasing seq', async () => {
    const store = await shared();
    const input = { taskId: freshName('t'), attempt: 0, producer: freshName('p'), event: 'same' };
    const a = await store.records.append(input);
    const b = await store.records.append(input);
    expect(a).not.toBe(b);
    expect((await store.records.get(b)).seq).toBe((await store.records.get(a)).seq + 1);
  });

  it('rejects an unknown id with NotFoundError', async () => {
    const store = await shared();
    await expect(store.records.get(freshName('missing'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists one attempt in append order, across producers, without other attempts', async () => {
    const store = await shared();
    const t = freshName('t');
    const a = await store.records.append({ taskId: t, attempt: 1, producer: 'p1', event: 1 });
    const b = await store.records.append({ taskId: t, attempt: 1, producer: 'p2', event: 2 });
    await store.records.append({ taskId: t, attempt: 2, producer: 'p1', event: 'x' });
    const c = await store.records.append({ taskId: t, attempt: 1, producer: 'p3', event: 3 });
    expect((await store.records.list(t, 1)).map((r) => r.id)).toEqual([a, b, c]);
    expect(await store.records.list(t, 9)).toEqual([]);
  });

  it('latest(producer) is the newest append of that producer across tasks and attempts', async () => {
    const store = await shared();
    const [same, other] = [freshName('same-producer'), freshName('other-producer')];
    await store.records.append({ taskId: 't', attempt: 1, producer: same, event: 'v1' });
    await store.records.append({ taskId: 't', attempt: 1, producer: other, event: 'unrelated' });
    const newest = await store.records.append({ taskId: 't', attempt: 2, producer: same, event: 'v2' });
    await store.records.append({ taskId: 'u', attempt: 1, producer: other, event: 'later' });
    const latest = await store.records.latest(same);
    expect(latest.id).toBe(newest);
    expect(latest.event).toBe('v2');
  });

  it('latest of an unknown producer rejects with NotFoundError', async () => {
    const store = await shared();
    await expect(store.records.latest(freshName('nobody'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps parent references, in order, and [] when omitted', async () => {
    const store = await shared();
    const a = await store.records.append({ taskId: 't', attempt: 1, producer: 'p', event: 'parent' });
    const b = await store.records.append({ taskId: 't', attempt: 1, producer: 'p', event: 'other' });
    const child = await store.records.append({ taskId: 't', attempt: 1, producer: 'p', event: 'child', parents: [b, a] });
    expect((await store.records.get(child)).parents).toEqual([b, a]);
    expect((await store.records.get(a)).parents).toEqual([]);
  });

  it('keeps append order under 200 concurrent appends', async () => {
    const store = await shared();
    const t = freshName('t');
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.records.append({ taskId: t, attempt: 0, producer: 'p', event: i })),
    );
    const listed = await store.records.list(t, 0);
    expect(listed.map((r) => r.id)).toEqual(ids);
    expect(listed.map((r) => r.event)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it.each([
    ['an empty taskId', { taskId: '', attempt: 0, producer: 'p', event: 1 }, 'taskId'],
    ['a negative attempt', { taskId: 't', attempt: -1, producer: 'p', event: 1 }, 'attempt'],
    ['a fractional attempt', { taskId: 't', attempt: 1.5, producer: 'p', event: 1 }, 'attempt'],
    ['an empty producer', { taskId: 't', attempt: 0, producer: '', event: 1 }, 'producer'],
    ['a non-JSON event', { taskId: 't', attempt: 0, producer: 'p', event: { d: new Set() } }, 'event.d'],
    ['a non-string parent', { taskId: 't', attempt: 0, producer: 'p', event: 1, parents: [1] }, 'parents[0]'],
  ])('refuses %s and writes nothing', async (_label, input, path) => {
    const store = await shared();
    // The rows' producer 'p' stands for a producer of this case's own.
    const p = freshName('p');
    const ofItsOwn = input.producer === 'p' ? { ...input, producer: p } : input;
    await expect(store.records.append(ofItsOwn as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    await expect(store.records.latest(p)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
