import type { Caller } from '../client/batcher.js';
import type { ModuleContext } from './module-context.js';
import { LiveQuery } from './live/live-query.js';
import { checkCall } from '../shared/call-checks.js';
import type { Json } from '../shared/types.js';

/** Global key/value pairs. Keys may be any string, including "". */
export class Globals {
  readonly #batcher: Caller;
  readonly #ctx: ModuleContext;

  /** @internal use store.globals */
  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
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

  /**
   * The value under `key`, kept current (see LiveQuery). A small value comes
   * with its change notice, so another tab's upsert reaches this query
   * without a read back.
   * @throws ValidationError at once if `key` is not a string.
   */
  live(key: string): LiveQuery<Json | undefined> {
    checkCall({ op: 'globals.get', args: [key] });
    return new LiveQuery(this.#ctx, (ctx) => new Globals(ctx).get(key));
  }
}
