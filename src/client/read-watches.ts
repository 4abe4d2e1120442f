import type { Call } from '../shared/protocol.js';

/**
 * Live queries' reads, registered with the engine of whichever instance
 * leads (again with each new leader), so it answers them with every commit
 * that touches them (see WatchAnswer).
 */
export interface ReadWatches {
  /** A watch id no other instance of the origin uses. */
  newId(): string;
  /** Registers (or replaces, with a higher `rev`) the reads of watch `watch`. */
  set(watch: string, rev: number, calls: Call[]): void;
  delete(watch: string): void;
}
