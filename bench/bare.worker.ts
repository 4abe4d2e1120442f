// A comlink endpoint that does nothing: the cost of one round trip and nothing else.
import { expose } from 'comlink';

const bare = {
  noop(): void {},
};

/** What bare.worker.ts exposes. */
export type Bare = typeof bare;

expose(bare);
