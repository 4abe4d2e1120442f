import { describe, expect, it } from 'vitest';
import { framesAfter, toFrame, type StoredFrame } from '../../src/shared/stream-frame.js';

const stored = (seq: number): StoredFrame => ({ seq, kind: 'event', data: JSON.stringify({ seq }), mode: 'durable', at: 1000 + seq });

// The pure part of a tail's shortcut: which carried frames may be returned without a read.
describe('carried stream frames', () => {
  it('takes the gapless run right after the cursor, in seq order, up to the limit', () => {
    const carried = [stored(5), stored(3), stored(4), stored(7)];
    expect(framesAfter(carried, 2, 10)?.map((f) => f.seq)).toEqual([3, 4, 5]);
    expect(framesAfter(carried, 2, 2)?.map((f) => f.seq)).toEqual([3, 4]);
    expect(framesAfter(carried, 4, 10)?.map((f) => f.seq)).toEqual([5]);
  });

  it('gives nothing when the next frame is missing, so the reader reads instead', () => {
    expect(framesAfter([stored(4), stored(5)], 2, 10)).toBeUndefined();
    expect(framesAfter([stored(1)], 1, 10)).toBeUndefined();
    expect(framesAfter([], 0, 10)).toBeUndefined();
    expect(framesAfter(undefined, 0, 10)).toBeUndefined();
  });

  it('builds the same frame a read builds: JSON text parsed, bytes copied for each reader', () => {
    expect(toFrame('s', 2, stored(3))).toEqual({
      stream: 's',
      attempt: 2,
      seq: 3,
      kind: 'event',
      data: { seq: 3 },
      mode: 'durable',
      at: 1003,
    });
    const bytes = new Uint8Array([1, 2]);
    const carried = { seq: 1, kind: 'k', data: bytes, mode: 'summary' as const, at: 5 };
    const first = toFrame('s', 0, carried).data as Uint8Array;
    const second = toFrame('s', 0, carried).data as Uint8Array;
    first[0] = 99;
    expect([...second]).toEqual([1, 2]);
    expect([...bytes]).toEqual([1, 2]);
  });
});
