import type { Store } from './store.js';

/** Per-(stream, attempt) frame logs with blocking tails. */
export class Streams {
  readonly #store: Store;

  /** @internal */
  constructor(store: Store) {
    this.#store = store;
  }

  /** @internal */
  get store(): Store {
    return this.#store;
  }
}
