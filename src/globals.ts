import type { Batcher } from './batcher.js';
import type { Json } from './types.js';
import { assertJson, assertString } from './validate.js';

/** Global key/value pairs. Keys may be any string, including "". */
export class Globals {
  readonly #rpc: Batcher;

  /** @internal */
  constructor(rpc: Batcher) {
    this.#rpc = rpc;
  }

  /**
   * Stores `value` under `key`, durably, once.
   * @throws AlreadyExistsError if the key exists (even if upsert wrote it); the old value is kept.
   * @throws ValidationError if the value is not JSON; nothing is written.
   */
  async put(key: string, value: Json): Promise<void> {
    assertString(key, 'key');
    assertJson(value, 'value');
    await this.#rpc.call('globals.put', key, value);
  }

  /** Stores `value` under `key`, durably, replacing any value there. */
  async upsert(key: string, value: Json): Promise<void> {
    assertString(key, 'key');
    assertJson(value, 'value');
    await this.#rpc.call('globals.upsert', key, value);
  }

  /** The value under `key`, or undefined if there is none. */
  async get(key: string): Promise<Json | undefined> {
    assertString(key, 'key');
    return this.#rpc.call('globals.get', key);
  }
}
