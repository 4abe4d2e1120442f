import { ClosedError, TimeoutError } from '../../shared/errors.js';
import type { BatchAnswer, Call } from '../../shared/protocol.js';

/** One batch waiting for a leader's answer. */
export type ForwardedCall = {
  readonly id: number;
  readonly calls: Call[];
  /** Whether a leader may have received it: then a timeout cannot say it was not applied. */
  sent: boolean;
};

type Entry = ForwardedCall & {
  resolve: (reply: BatchAnswer) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
};

/**
 * The batches a store instance has handed to a leader (or holds until one is
 * known), each with its own deadline. A batch settles exactly once: with the
 * leader's answer, with its error, or with a TimeoutError whose message says
 * whether it may have been applied.
 */
export class ForwardedCalls {
  readonly #entries = new Map<number, Entry>();
  readonly #timeoutMs: number;
  readonly #dbName: string;
  #nextId = 1;

  constructor(dbName: string, timeoutMs: number) {
    this.#dbName = dbName;
    this.#timeoutMs = timeoutMs;
  }

  /** Registers a batch and hands it to `send` at once; {@link each} hands it out again later. */
  add(calls: Call[], send: (call: ForwardedCall) => void): Promise<BatchAnswer> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const entry: Entry = { id, calls, sent: false, resolve, reject, timer: this.#timer(id) };
      this.#entries.set(id, entry);
      try {
        send(entry);
      } catch (err) {
        // Refused before it left (postMessage could not clone it): it must not linger and be re-sent.
        this.reject(id, err);
      }
    });
  }

  /** Every batch still waiting, oldest first. */
  each(): IterableIterator<ForwardedCall> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  resolve(id: number, reply: BatchAnswer): void {
    this.#take(id)?.resolve(reply);
  }

  reject(id: number, err: unknown): void {
    this.#take(id)?.reject(err);
  }

  /** Restarts every deadline: time spent frozen does not count against a waiting batch. */
  restartDeadlines(): void {
    for (const entry of this.#entries.values()) {
      clearTimeout(entry.timer);
      entry.timer = this.#timer(entry.id);
    }
  }

  /** Rejects every waiting batch with ClosedError (`reason`, if given). */
  closeAll(reason?: ClosedError): void {
    for (const id of [...this.#entries.keys()]) this.reject(id, reason ?? new ClosedError());
  }

  #timer(id: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.#timeOut(id), this.#timeoutMs);
  }

  #take(id: number): Entry | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }

  #timeOut(id: number): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const name = this.#dbName;
    const ms = this.#timeoutMs;
    this.reject(
      id,
      new TimeoutError(
        entry.sent
          ? `The tab that owns database "${name}" did not answer within ${ms} ms. The call may have been applied (never twice): check before you retry it.`
          : `No tab took charge of database "${name}" within ${ms} ms, so the call was not applied. Try again.`,
      ),
    );
  }
}
