import { expect, vi } from 'vitest';
import type { Store, StreamPage } from '../../src/index.js';

export const data = (page: StreamPage) => page.frames.map((f) => f.data);
export const seqs = (page: StreamPage) => page.frames.map((f) => f.seq);
export const streamKey = (stream: string, attempt = 0) => JSON.stringify([stream, attempt]);

/** Counts the engine calls a store's facade makes, by operation name (a counter, not a stand-in). */
export function countCalls(store: Store) {
  const spy = vi.spyOn(store.batcher, 'call');
  const of = (op: string) => spy.mock.calls.map((c, i) => [c[0], i] as const).filter(([name]) => name === op);
  return {
    count: (op: string) => of(op).length,
    /** Resolves with the result of the n-th (0-based) call of `op` once it settled. */
    async settled(op: string, n: number): Promise<unknown> {
      await vi.waitFor(() => expect(of(op).length).toBeGreaterThan(n), { timeout: 10_000, interval: 5 });
      return spy.mock.results[of(op)[n]![1]]!.value;
    },
  };
}
