import type { Batcher } from './batcher.js';
import { ValidationError } from './errors.js';
import { isPlainObject } from './json-object.js';
import type { RecordEntry, RecordInput } from './types.js';
import { assertId, assertInt, assertJson } from './validate.js';

/** Append-only, immutable records with lineage (task, attempt, producer, parents). */
export class Records {
  readonly #rpc: Batcher;

  /** @internal */
  constructor(rpc: Batcher) {
    this.#rpc = rpc;
  }

  /**
   * Appends a record durably and returns its new id (a UUID).
   * @throws ValidationError for an empty id, a negative or fractional attempt,
   *   non-JSON event or parents that are not a list of ids; nothing is written.
   */
  async append(record: RecordInput): Promise<string> {
    if (!isPlainObject(record)) throw new ValidationError('a record must be an object', 'record');
    assertId(record.taskId, 'taskId');
    assertInt(record.attempt, 'attempt');
    assertId(record.producer, 'producer');
    assertJson(record.event, 'event');
    const parents = record.parents ?? [];
    if (!Array.isArray(parents)) throw new ValidationError('parents must be a list of record ids', 'parents');
    parents.forEach((p, i) => assertId(p, `parents[${i}]`));
    return this.#rpc.call('records.append', {
      taskId: record.taskId,
      attempt: record.attempt,
      producer: record.producer,
      event: record.event,
      parents: [...parents],
    });
  }

  /** The record with this id. @throws NotFoundError */
  async get(id: string): Promise<RecordEntry> {
    assertId(id, 'id');
    return this.#rpc.call('records.get', id);
  }

  /** The newest record (by append order) of `producer`, across tasks and attempts. @throws NotFoundError */
  async latest(producer: string): Promise<RecordEntry> {
    assertId(producer, 'producer');
    return this.#rpc.call('records.latest', producer);
  }

  /** The records of (taskId, attempt), in append order. */
  async list(taskId: string, attempt: number): Promise<RecordEntry[]> {
    assertId(taskId, 'taskId');
    assertInt(attempt, 'attempt');
    return this.#rpc.call('records.list', taskId, attempt);
  }
}
