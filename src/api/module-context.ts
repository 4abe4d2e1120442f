import type { Batcher, Caller } from '../client/batcher.js';
import type { ChangeFeed } from '../client/change-feed.js';
import type { ReadWatches } from '../client/read-watches.js';

/**
 * What a public module needs from its store: what carries its calls to the
 * engine (the store's batcher, which rejects with ClosedError once the store
 * closes, or a live query's tracking view of it), the database's change
 * notices, for the modules that wait or watch, and the batcher of live
 * queries' reads, which carries only reads so each answer comes with the
 * one committed version it saw.
 */
export type ModuleContext = {
  readonly batcher: Caller;
  readonly feed: ChangeFeed;
  readonly reads: Batcher;
  /** Where live queries register their reads with the leader's engine (tabs only). */
  readonly watches?: ReadWatches | undefined;
};
