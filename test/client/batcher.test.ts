import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/client/batcher.js';
import { AlreadyExistsError, ClosedError, encodeError, StorageError, ValidationError } from '../../src/shared/errors.js';
import type { BatchAnswer, Call, Outcome } from '../../src/shared/protocol.js';

type Sent = { calls: Call[]; answer: (reply: BatchAnswer) => void; fail: (err: unknown) => void };

/** A send function that holds each batch until the test answers it; `next()` resolves when a batch arrives. */
function controlledSend() {
  const sent: Sent[] = [];
  const waiting: ((batch: Sent) => void)[] = [];
  let taken = 0;
  const send = (calls: Call[]) =>
    new Promise<BatchAnswer>((answer, fail) => {
      const batch = { calls, answer, fail };
      sent.push(batch);
      waiting.shift()?.(batch);
    });
  return {
    send,
    sent,
    next(): Promise<Sent> {
      const index = taken++;
      const batch = sent[index];
      if (batch) return Promise.resolve(batch);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Answers every call of a batch with its first argument. */
const echo = (calls: Call[]): BatchAnswer => ({ outcomes: calls.map((c): Outcome => ({ ok: true, value: c.args[0] })) });

/** Records how a promise settled, with a handler attached at once. */
const settle = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('Batcher', () => {
  it('sends calls made in the same tick as one batch and gives each its own result', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const a = batcher.call('globals.get', 'a');
    const b = batcher.call('globals.get', 'b');
    const c = batcher.call('outputs.get', 'run', 'node');
    const batch = await link.next();
    expect(batch.calls).toEqual([
      { op: 'globals.get', args: ['a'] },
      { op: 'globals.get', args: ['b'] },
      { op: 'outputs.get', args: ['run', 'node'] },
    ]);
    batch.answer(echo(batch.calls));
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'run']);
    expect(link.sent).toHaveLength(1);
  });

  it('holds calls made while a batch is in flight and sends them together in the next batch', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const first = batcher.call('globals.get', 'first');
    const batch1 = await link.next();
    const second = batcher.call('globals.get', 'second');
    const third = batcher.call('globals.get', 'third');
    await Promise.resolve();
    expect(link.sent).toHaveLength(1);
    batch1.answer(echo(batch1.calls));
    expect(await first).toBe('first');
    const batch2 = await link.next();
    expect(batch2.calls.map((c) => c.args[0])).toEqual(['second', 'third']);
    batch2.answer(echo(batch2.calls));
    expect(await Promise.all([second, third])).toEqual(['second', 'third']);
  });

  it('rejects only the call whose outcome is an error, with its class and message', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const ok1 = batcher.call('globals.get', 'x');
    const bad = batcher.call('globals.put', 'x', 1);
    const ok2 = batcher.call('globals.get', 'y');
    const batch = await link.next();
    const refusal = new AlreadyExistsError('Global "x" was already written.');
    batch.answer({
      outcomes: [
        { ok: true, value: 1 },
        { ok: false, error: encodeError(refusal) },
        { ok: true, value: 2 },
      ],
    });
    expect(await ok1).toBe(1);
    expect(await ok2).toBe(2);
    const err = await bad.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect((err as Error).message).toBe('Global "x" was already written.');
  });

  it('rejects a call with bad arguments alone, with a ValidationError, and never sends it', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const good = batcher.call('outputs.put', 'run', 'node', 1);
    const badValue = settle(batcher.call('outputs.put', 'run', 'node', Number.NaN));
    const badId = settle(batcher.call('outputs.get', '', 'node'));
    const batch = await link.next();
    expect(batch.calls).toEqual([{ op: 'outputs.put', args: ['run', 'node', 1] }]);
    batch.answer({ outcomes: [{ ok: true, value: undefined }] });
    await expect(good).resolves.toBeUndefined();
    const value = await badValue;
    expect(value.ok).toBe(false);
    expect((value as { error: unknown }).error).toBeInstanceOf(ValidationError);
    expect(((value as { error: unknown }).error as ValidationError).path).toBe('value');
    const id = await badId;
    expect(((id as { error: unknown }).error as ValidationError).path).toBe('runId');
    expect(link.sent).toHaveLength(1);
  });

  it('refuses calls after close with ClosedError while calls already queued still run', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const queued = batcher.call('globals.get', 'queued');
    batcher.close();
    await expect(batcher.call('globals.get', 'late')).rejects.toBeInstanceOf(ClosedError);
    const batch = await link.next();
    expect(batch.calls).toEqual([{ op: 'globals.get', args: ['queued'] }]);
    batch.answer(echo(batch.calls));
    expect(await queued).toBe('queued');
    expect(link.sent).toHaveLength(1);
  });

  it('drains at once when idle', async () => {
    const batcher = new Batcher(controlledSend().send);
    await expect(batcher.drain()).resolves.toBeUndefined();
  });

  it('drains only after every call settled, including the batch queued behind the one in flight', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const settled: string[] = [];
    const track = (p: Promise<unknown>, label: string) => void p.finally(() => settled.push(label));
    track(batcher.call('globals.get', 'a'), 'a');
    const batch1 = await link.next();
    track(batcher.call('globals.get', 'b'), 'b');
    const drained = batcher.drain().then(() => settled.push('drained'));
    batch1.answer(echo(batch1.calls));
    const batch2 = await link.next();
    expect(settled).toEqual(['a']);
    batch2.answer(echo(batch2.calls));
    await drained;
    expect(settled).toEqual(['a', 'b', 'drained']);
  });

  it('rejects every call of a batch whose send fails, then sends the next batch', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const a = settle(batcher.call('globals.get', 'a'));
    const b = settle(batcher.call('globals.get', 'b'));
    const batch = await link.next();
    const failure = new StorageError('The worker died.');
    batch.fail(failure);
    expect(await a).toEqual({ ok: false, error: failure });
    expect(await b).toEqual({ ok: false, error: failure });
    const later = batcher.call('globals.get', 'later');
    const next = await link.next();
    next.answer(echo(next.calls));
    expect(await later).toBe('later');
  });

  it('rejects every call of a batch whose send throws before returning a promise', async () => {
    const failure = new Error('postMessage failed');
    const batcher = new Batcher(() => {
      throw failure;
    });
    const results = await Promise.all([settle(batcher.call('globals.get', 'a')), settle(batcher.call('globals.get', 'b'))]);
    expect(results).toEqual([
      { ok: false, error: failure },
      { ok: false, error: failure },
    ]);
  });

  it('rejects a call the engine returned no outcome for with StorageError', async () => {
    const link = controlledSend();
    const batcher = new Batcher(link.send);
    const answered = batcher.call('globals.get', 'a');
    const missing = settle(batcher.call('globals.get', 'b'));
    const batch = await link.next();
    batch.answer({ outcomes: [{ ok: true, value: 'a' }] });
    expect(await answered).toBe('a');
    const outcome = await missing;
    expect((outcome as { error: unknown }).error).toBeInstanceOf(StorageError);
    expect(((outcome as { error: unknown }).error as Error).message).toBe('The engine returned no result for this call.');
  });
});
