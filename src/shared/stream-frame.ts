import type { Frame, FrameMode, Json } from './types.js';

/**
 * A stream frame as stored: `data` is the JSON text or the bytes. Change
 * notices of small appends carry it, so a waiting tail in any tab can return
 * the frame without reading it back.
 */
export type StoredFrame = { seq: number; kind: string; data: string | Uint8Array; mode: FrameMode; at: number };

/** Notices carry frames up to this size (UTF-16 units or bytes); larger ones are read back. */
export const CARRIED_FRAME_MAX = 16 * 1024;

/**
 * The frame a reader gets, built the same way from a row and from a notice.
 * Bytes are copied: one notice reaches every reader of the page, and each
 * must own its frame as it would after a read.
 */
export function toFrame(stream: string, attempt: number, stored: StoredFrame): Frame {
  const data = typeof stored.data === 'string' ? (JSON.parse(stored.data) as Json) : stored.data.slice();
  return { stream, attempt, seq: stored.seq, kind: stored.kind, data, mode: stored.mode, at: stored.at };
}

/**
 * The frames right after `after` (after + 1, after + 2, … with no gap), at
 * most `limit`; undefined if `carried` does not start there. Seqs are dense
 * per attempt, so a run without a gap is exactly what a read would return.
 */
export function framesAfter(carried: readonly StoredFrame[] | undefined, after: number, limit: number): StoredFrame[] | undefined {
  if (!carried || carried.length === 0) return undefined;
  const bySeq = new Map(carried.map((f) => [f.seq, f]));
  const run: StoredFrame[] = [];
  for (let seq = after + 1; run.length < limit; seq++) {
    const frame = bySeq.get(seq);
    if (!frame) break;
    run.push(frame);
  }
  return run.length > 0 ? run : undefined;
}
