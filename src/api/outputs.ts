import type { Caller } from '../client/batcher.js';
import type { ModuleContext } from './module-context.js';
import { LiveQuery } from './live/live-query.js';
import { assertId } from '../shared/validate.js';
import type { Json } from '../shared/types.js';

/** Write-once values keyed by (run, node). */
export class Outputs {
  readonly #batcher: Caller;
  readonly #ctx: ModuleContext;

  /** @internal use store.outputs */
  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
    this.#batcher = ctx.batcher;
  }

  /**
   * Stores `value` for (runId, nodeId), durably, once.
   * @throws AlreadyExistsError if that pair was written before (the first value is kept).
   * @throws ValidationError if an id is empty or the value is not JSON; nothing is written.
   */
  put(runId: string, nodeId: string, value: Json): Promise<void> {
    // The call's own promise (it settles with undefined): no second promise per put.
    return this.#batcher.call('outputs.put', runId, nodeId, value);
  }

  /** The value written for (runId, nodeId), or undefined if none was. */
  async get(runId: string, nodeId: string): Promise<Json | undefined> {
    return this.#batcher.call('outputs.get', runId, nodeId);
  }

  /** The node ids that have an output in `runId`, in write order. */
  async keys(runId: string): Promise<string[]> {
    return this.#batcher.call('outputs.keys', runId);
  }

  /** Every output of `runId` with its value, in write order, in one read. */
  async entries(runId: string): Promise<{ nodeId: string; value: Json }[]> {
    return this.#batcher.call('outputs.entries', runId);
  }

  /**
   * The outputs of `runId` as `{ nodeId, value }`, in write order, kept
   * current (see LiveQuery): it runs again only when an output of this run is written.
   * @throws ValidationError at once for an empty run id.
   */
  live(runId: string): LiveQuery<{ nodeId: string; value: Json }[]> {
    assertId(runId, 'runId');
    return new LiveQuery(this.#ctx, (ctx) => new Outputs(ctx).entries(runId));
  }
}
