import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ForwardedCalls, type ForwardedCall } from '../../src/client/leader/forwarded-calls.js';
import { ClosedError, StorageError, TimeoutError } from '../../src/shared/errors.js';
import type { BatchAnswer, Call } from '../../src/shared/protocol.js';

const TIMEOUT_MS = 1_000;
const calls: Call[] = [{ op: 'globals.get', args: ['k'] }];
const answer = (value: unknown): BatchAnswer => ({ outcomes: [{ ok: true, value }] });

/** Adds a batch and returns its promise (with a handler attached at once) and what `send` received. */
function addOne(forwarded: ForwardedCalls, batch: Call[] = calls) {
  let handed: ForwardedCall | undefined;
  const promise = forwarded.add(batch, (call) => {
    handed = call;
  });
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (!handed) throw new Error('send was not called during add()');
  return { call: handed, promise, settled };
}

describe('ForwardedCalls', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands a new batch to send at once, not yet marked as sent, with its own id', () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const first = addOne(forwarded);
    const second = addOne(forwarded);
    expect(first.call.calls).toBe(calls);
    expect(first.call.sent).toBe(false);
    expect(second.call.id).not.toBe(first.call.id);
    expect(forwarded.size).toBe(2);
    expect([...forwarded.each()].map((c) => c.id)).toEqual([first.call.id, second.call.id]);
  });

  it('resolves a batch with the answer given for its id and forgets it', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const first = addOne(forwarded);
    const second = addOne(forwarded);
    forwarded.resolve(second.call.id, answer('two'));
    expect(await second.promise).toEqual(answer('two'));
    expect(forwarded.size).toBe(1);
    expect([...forwarded.each()].map((c) => c.id)).toEqual([first.call.id]);
  });

  it('rejects a batch with the error given for its id', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const one = addOne(forwarded);
    const err = new StorageError('disk said no');
    forwarded.reject(one.call.id, err);
    await expect(one.promise).rejects.toBe(err);
    expect(forwarded.size).toBe(0);
  });

  it('times out a batch no leader received, saying it was not applied', async () => {
    const forwarded = new ForwardedCalls('orders', TIMEOUT_MS);
    const one = addOne(forwarded);
    vi.advanceTimersByTime(TIMEOUT_MS - 1);
    expect(forwarded.size).toBe(1);
    vi.advanceTimersByTime(1);
    expect(forwarded.size).toBe(0);
    const outcome = await one.settled;
    expect(outcome.ok).toBe(false);
    const err = (outcome as { error: unknown }).error;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe(
      `No tab took charge of database "orders" within ${TIMEOUT_MS} ms, so the call was not applied. Try again.`,
    );
  });

  it('times out a batch a leader may have received, saying it may have been applied', async () => {
    const forwarded = new ForwardedCalls('orders', TIMEOUT_MS);
    const one = addOne(forwarded);
    one.call.sent = true;
    vi.advanceTimersByTime(TIMEOUT_MS);
    const outcome = await one.settled;
    const err = (outcome as { error: unknown }).error;
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toBe(
      `The tab that owns database "orders" did not answer within ${TIMEOUT_MS} ms. The call may have been applied (never twice): check before you retry it.`,
    );
  });

  it('restarts every deadline so time already waited does not count', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const first = addOne(forwarded);
    vi.advanceTimersByTime(TIMEOUT_MS / 2);
    const second = addOne(forwarded);
    vi.advanceTimersByTime(TIMEOUT_MS / 2 - 1);
    forwarded.restartDeadlines();
    vi.advanceTimersByTime(TIMEOUT_MS - 1);
    expect(forwarded.size).toBe(2);
    vi.advanceTimersByTime(1);
    expect(forwarded.size).toBe(0);
    expect((await first.settled).ok).toBe(false);
    expect((await second.settled).ok).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects every waiting batch with ClosedError on closeAll', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const first = addOne(forwarded);
    const second = addOne(forwarded);
    forwarded.closeAll();
    expect(forwarded.size).toBe(0);
    await expect(first.promise).rejects.toBeInstanceOf(ClosedError);
    await expect(second.promise).rejects.toBeInstanceOf(ClosedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('settles a batch only once: later answers, errors, deadlines and closeAll change nothing', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const one = addOne(forwarded);
    forwarded.resolve(one.call.id, answer('first'));
    forwarded.resolve(one.call.id, answer('second'));
    forwarded.reject(one.call.id, new StorageError('late'));
    forwarded.closeAll();
    vi.advanceTimersByTime(TIMEOUT_MS * 2);
    expect(await one.settled).toEqual({ ok: true, value: answer('first') });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores an answer for an id it does not know', async () => {
    const forwarded = new ForwardedCalls('db', TIMEOUT_MS);
    const one = addOne(forwarded);
    forwarded.resolve(one.call.id + 100, answer('stray'));
    expect(forwarded.size).toBe(1);
    forwarded.resolve(one.call.id, answer('mine'));
    expect(await one.promise).toEqual(answer('mine'));
  });
});
