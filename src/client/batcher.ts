import { checkedCall } from '../shared/call-checks.js';
import { ClosedError, decodeError, StorageError, StoreError, ValidationError } from '../shared/errors.js';
import { snapshotArgs } from '../shared/snapshot.js';
import type { BatchAnswer, Call, OpArgs, OpName, OpResult, Outcome } from '../shared/protocol.js';

/** A queued call; `versioned` callers get their result as a {@link Versioned}. */
type Pending = { call: Call; versioned: boolean; resolve: (result: unknown) => void; reject: (err: unknown) => void };

/** A call's result with the engine's committed version when its batch ran. */
export type Versioned<T> = { value: T; version: number };

/** What public modules send their calls through: a Batcher, or a live query's tracking view of one. */
export interface Caller {
  call<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>>;
  /**
   * Like call, for arguments that are already a snapshot the facade made and
   * checked, that no caller can reach and nothing changes afterwards: they
   * travel as they are, without a second copy.
   */
  callOwned<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>>;
}

/**
 * Sends calls to the engine in batches: calls made in the same tick, and calls
 * made while a batch is in flight, travel together as one message and commit
 * in one transaction (group commit). Each call still gets its own result or
 * its own error.
 */
export class Batcher {
  readonly #send: (calls: Call[]) => Promise<BatchAnswer>;
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = false;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(send: (calls: Call[]) => Promise<BatchAnswer>) {
    this.#send = send;
  }

  /**
   * Queues one call; resolves with its own result once its batch committed.
   * Arguments the engine would refuse reject this call alone, before it joins a batch.
   */
  call<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    return this.#enqueue(op, args, false, true) as Promise<OpResult<K>>;
  }

  /**
   * See {@link Caller.callOwned}. A mark on each argument instead (a WeakSet)
   * cost more than the copy it saved: 10,000 concurrent creates made 10,000
   * entries that garbage collection had to trace as ephemerons.
   */
  callOwned<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    return this.#enqueue(op, args, false, false) as Promise<OpResult<K>>;
  }

  /**
   * Like {@link call}, with the engine's committed version when the batch
   * ran. Only a batch of reads saw exactly that version: live queries send
   * their reads through a batcher of their own, which never carries writes.
   */
  callAt<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<Versioned<OpResult<K>>> {
    return this.#enqueue(op, args, true, true) as Promise<Versioned<OpResult<K>>>;
  }

  #enqueue(op: OpName, args: unknown[], versioned: boolean, copy: boolean): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ClosedError());
    let call: Call;
    try {
      call = checkedCall(op, copy ? snapshotArgs(args) : args);
    } catch (err) {
      return Promise.reject(
        err instanceof StoreError ? err : new ValidationError(`this call's arguments could not be checked (${String(err)})`, 'args'),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ call, versioned, resolve, reject });
      this.#schedule();
    });
  }

  /** Refuses new calls; calls already queued still run. */
  close(): void {
    this.#closed = true;
  }

  /** Whether close() was called: every later call rejects with ClosedError. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once every queued call has settled. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && !this.#inFlight) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#inFlight || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#inFlight = true;
    try {
      await this.#sendBatch(batch);
    } finally {
      this.#inFlight = false;
      if (this.#queue.length > 0) this.#schedule();
      else for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #sendBatch(batch: Pending[]): Promise<void> {
    let reply: BatchAnswer;
    try {
      reply = await this.#send(batch.map((p) => p.call));
    } catch (err) {
      // Refused before anything was sent (the snapshot makes this rare): each call goes alone,
      // so only the one that cannot travel fails.
      if (isCloneError(err) && batch.length > 1) {
        for (const p of batch) await this.#sendBatch([p]);
        return;
      }
      const error = isCloneError(err) ? unsendable(err) : err;
      for (const p of batch) p.reject(error);
      return;
    }
    const version = reply.version ?? 0;
    const outcomes: unknown[] = Array.isArray(reply.outcomes) ? reply.outcomes : [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      // A reply may come from another page of the origin: each call is settled whatever its shape.
      const outcome = outcomes[i] as Outcome | undefined;
      if (typeof outcome !== 'object' || outcome === null) p.reject(new StorageError('The engine returned no result for this call.'));
      else if (outcome.ok) p.resolve(p.versioned ? { value: outcome.value, version } : outcome.value);
      else if (typeof outcome.error === 'object' && outcome.error !== null) p.reject(decodeError(outcome.error));
      else p.reject(new StorageError('The engine returned a malformed result for this call.'));
    }
  }
}

/** Structured clone's refusal (DOMException DataCloneError), thrown by postMessage before anything is sent. */
function isCloneError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'DataCloneError';
}

function unsendable(err: unknown): ValidationError {
  const detail = err instanceof Error ? err.message : String(err);
  return new ValidationError(`this argument cannot be sent to the database (structured clone refused it: ${detail})`, 'args');
}
