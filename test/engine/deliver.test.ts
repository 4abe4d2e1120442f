import { describe, expect, it } from 'vitest';
import { deliverOutcomes } from '../../src/engine/deliver.js';
import type { Call, Outcome } from '../../src/shared/protocol.js';

// Issue 13, item 6: a reply that structured clone refuses must fail only the outcomes at fault,
// never the answers of its siblings (least of all writes that committed).
describe('delivering a batch reply', () => {
  const calls: Call[] = [
    { op: 'outputs.get', args: ['r', 'deep'] },
    { op: 'globals.upsert', args: ['sib', 1] },
    { op: 'records.get', args: ['id'] },
  ];
  /** A post that clones as postMessage does, and keeps what it sent. */
  const channel = () => {
    const sent: Outcome[][] = [];
    return { sent, post: (outcomes: Outcome[]) => sent.push(structuredClone(outcomes)) };
  };

  it('sends a reply that clones as it is, once', () => {
    const { sent, post } = channel();
    const outcomes: Outcome[] = [
      { ok: true, value: [1] },
      { ok: true, value: undefined },
      { ok: false, error: { code: 'NOT_FOUND', name: 'NotFoundError', message: 'no' } },
    ];
    deliverOutcomes(calls, outcomes, post);
    expect(sent).toEqual([outcomes]);
  });

  it('turns only the outcome that cannot be cloned into a StorageError, and sends its siblings unchanged', () => {
    const { sent, post } = channel();
    const outcomes: Outcome[] = [
      { ok: true, value: { read: () => 1 } },
      { ok: true, value: undefined },
      { ok: true, value: { id: 'id' } },
    ];
    deliverOutcomes(calls, outcomes, post);
    expect(sent).toHaveLength(1);
    const [read, write, other] = sent[0]!;
    expect(read).toMatchObject({ ok: false, error: { code: 'STORAGE', message: expect.stringMatching(/nothing was written/) } });
    expect(write).toEqual({ ok: true, value: undefined });
    expect(other).toEqual({ ok: true, value: { id: 'id' } });
  });

  it('says that a write whose result cannot be sent was applied, so the caller reads it back instead of retrying', () => {
    const { sent, post } = channel();
    deliverOutcomes(
      calls,
      [
        { ok: true, value: 1 },
        { ok: true, value: Symbol('unclonable') },
        { ok: true, value: 2 },
      ],
      post,
    );
    expect(sent[0]!.map((o) => o.ok)).toEqual([true, false, true]);
    expect(sent[0]![1]).toMatchObject({ error: { code: 'STORAGE', message: expect.stringMatching(/was applied/) } });
  });
});
