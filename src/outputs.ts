import type { Batcher } from './batcher.js';
import type { Json } from './types.js';
import { assertId, assertJson } from './validate.js';

/** Write-once values keyed by (run, node). */
export class Outputs {
  readonly #rpc: Batcher;

  /** @internal */
  constructor(rpc: Batcher) {
    this.#rpc = rpc;
  }

  /**
   * Stores `value` for (runId, nodeId), durably, once.
   * @throws AlreadyExistsError if that pair was written before (the first value is kept).
   * @throws ValidationError if an id is empty or the value is not JSON; nothing is written.
   */
  async put(runId: string, nodeId: string, value: Json): Promise<void> {
    assertId(runId, 'runId');
    assertId(nodeId, 'nodeId');
    assertJson(value, 'value');
    await this.#rpc.call('outputs.put', runId, nodeId, value);
  }

  /** The value written for (runId, nodeId), or undefined if none was. */
  async get(runId: string, nodeId: string): Promise<Json | undefined> {
    assertId(runId, 'runId');
    assertId(nodeId, 'nodeId');
    return this.#rpc.call('outputs.get', runId, nodeId);
  }

  /** The node ids that have an output in `runId`, in write order. */
  async keys(runId: string): Promise<string[]> {
    assertId(runId, 'runId');
    return this.#rpc.call('outputs.keys', runId);
  }
}
