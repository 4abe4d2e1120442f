import type { Batcher } from '../client/batcher.js';
import type { ChangeFeed } from '../client/change-feed.js';

/**
 * What a public module needs from its store: the batcher that carries its
 * calls to the engine (it rejects with ClosedError once the store closes) and
 * the database's change notices, for the modules that wait or watch.
 */
export type ModuleContext = {
  readonly batcher: Batcher;
  readonly feed: ChangeFeed;
};
