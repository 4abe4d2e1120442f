import type { Batcher } from '../client/batcher.js';
import type { ModuleContext } from './module-context.js';
import type { Json } from '../shared/types.js';

/** Global key/value pairs. Keys may be any string, including "". */
export class Globals {
  readonly #batcher: Batcher;

  /** @internal use store.globals */
  constructor(ctx: ModuleContext) {
    this.#batcher = ctx.batcher;
  }

  /**
   * Stores `value` under `key`, durably, once.
   * @throws AlreadyExistsError if the key exists (even if upsert wrote it); the old value is kept.
   * @throws ValidationError if the value is not JSON; nothing is written.
   */
  async put(key: string, value: Json): Promise<void> {
    await this.#batcher.call('globals.put', key, value);
  }

  /** Stores `value` under `key`, durably, replacing any value there. */
  async upsert(key: string, value: Json): Promise<void> {
    await this.#batcher.call('globals.upsert', key, value);
  }

  /** The value under `key`, or undefined if there is none. */
  async get(key: string): Promise<Json | undefined> {
    return this.#batcher.call('globals.get', key);
  }
}
