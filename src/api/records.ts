import type { Caller } from '../client/batcher.js';
import type { ModuleContext } from './module-context.js';
import { plain } from '../shared/snapshot.js';
import { ValidationError } from '../shared/errors.js';
import { isPlainObject } from '../shared/json-object.js';
import type { RecordEntry, RecordInput } from '../shared/types.js';

/** Append-only, immutable records with lineage (task, attempt, producer, parents). */
export class Records {
  readonly #batcher: Caller;

  /** @internal use store.records */
  constructor(ctx: ModuleContext) {
    this.#batcher = ctx.batcher;
  }

  /**
   * Appends a record durably and returns its new id (a UUID).
   * @throws ValidationError for an empty id, a negative or fractional attempt,
   *   non-JSON event or parents that are not a list of ids; nothing is written.
   */
  async append(record: RecordInput): Promise<string> {
    record = plain(record);
    if (!isPlainObject(record)) throw new ValidationError('a record must be an object', 'record');
    // Only the known keys travel, and parents as a list of their own.
    const parents = Array.isArray(record.parents) ? [...record.parents] : (record.parents ?? []);
    return this.#batcher.call('records.append', {
      taskId: record.taskId,
      attempt: record.attempt,
      producer: record.producer,
      event: record.event,
      parents,
    });
  }

  /** The record with this id. @throws NotFoundError */
  async get(id: string): Promise<RecordEntry> {
    return this.#batcher.call('records.get', id);
  }

  /** The newest record (by append order) of `producer`, across tasks and attempts. @throws NotFoundError */
  async latest(producer: string): Promise<RecordEntry> {
    return this.#batcher.call('records.latest', producer);
  }

  /** The records of (taskId, attempt), in append order. */
  async list(taskId: string, attempt: number): Promise<RecordEntry[]> {
    return this.#batcher.call('records.list', taskId, attempt);
  }
}
