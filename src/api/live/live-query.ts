import { ValidationError, type StoreError } from '../../shared/errors.js';
import { describe } from '../../shared/validate.js';
import type { ModuleContext } from '../module-context.js';
import { LiveRunner, type LiveFn, type LiveResult } from './live-runner.js';

/** A live query's result with the committed version it was read at. */
export type LiveValue<T> = { value: T; version: number };

/** A TC39-Observable-style observer (what RxJS's `from()` passes to `subscribe`). */
export type LiveObserver<T> = {
  next(value: T): void;
  error?(err: StoreError): void;
  /** Called once when the store closes. */
  complete?(): void;
};

type Sink<T> = { next(value: T, version: number): void; error(err: unknown): void; complete(): void };

/**
 * The result of a query, kept current: delivered at once, then again after
 * every committed change, from any tab or worker, that could change it.
 * Nothing runs until the first subscriber; every subscriber (and every
 * async iterator) shares one run, and when the last one leaves, its notice
 * listener is released. Each value is what a fresh run returns at one
 * committed version. When the store closes, the query completes.
 *
 * Errors of a run (a NotFoundError, say) keep their class and go to the
 * error callbacks; the query keeps running and delivers again after the
 * next relevant change. An async iterator throws the error and ends.
 */
export class LiveQuery<T> implements AsyncIterable<LiveValue<T>> {
  readonly #runner: LiveRunner<T>;
  readonly #sinks = new Set<Sink<T>>();
  #current: LiveResult<T> | undefined;
  #active = false;
  #stopQueued = false;
  #ended = false;

  /** @internal use store.live() or a module's live shortcut */
  constructor(ctx: ModuleContext, query: LiveFn<T>) {
    this.#runner = new LiveRunner(
      ctx,
      query,
      (result) => this.#deliver(result),
      () => this.#complete(),
    );
  }

  /**
   * Svelte-store style: `next` is called with the current value right away
   * (synchronously) if one is known, else as soon as the first run is done,
   * then after each change. Returns the unsubscribe function.
   */
  subscribe(next: (value: T) => void, error?: (err: StoreError) => void): () => void;
  /** Observable style (RxJS `from()`): returns `{ unsubscribe }`. */
  subscribe(observer: LiveObserver<T>): { unsubscribe(): void };
  subscribe(
    nextOrObserver: ((value: T) => void) | LiveObserver<T>,
    error?: (err: StoreError) => void,
  ): (() => void) | { unsubscribe(): void } {
    if (typeof nextOrObserver === 'function') {
      if (error !== undefined && typeof error !== 'function') {
        throw new ValidationError(`subscribe()'s error callback must be a function, got ${describe(error)}`, 'error');
      }
      const next = nextOrObserver;
      return this.#add({
        next: (value) => next(value),
        error: (err) => (error ? error(err as StoreError) : unhandled(err)),
        complete() {},
      });
    }
    const observer = nextOrObserver as Partial<LiveObserver<T>> | null;
    if (typeof observer !== 'object' || observer === null || typeof observer.next !== 'function') {
      throw new ValidationError('subscribe() takes a function, or an observer object with a next() method', 'subscriber');
    }
    const off = this.#add({
      next: (value) => observer.next!(value),
      error: (err) => (observer.error ? observer.error(err as StoreError) : unhandled(err)),
      complete: () => observer.complete?.(),
    });
    return { unsubscribe: off };
  }

  /** Yields `{ value, version }` now and after each change; a slow loop skips to the newest. Breaking the loop releases it. */
  [Symbol.asyncIterator](): AsyncIterator<LiveValue<T>> {
    let pending: LiveResult<T> | undefined;
    let done = false;
    let wake: (() => void) | undefined;
    const off = this.#add({
      next: (value, version) => {
        pending = { ok: true, value, version };
        wake?.();
      },
      error: (error) => {
        pending = { ok: false, error };
        wake?.();
      },
      complete: () => {
        done = true;
        wake?.();
      },
    });
    const finish = (): IteratorReturnResult<undefined> => {
      done = true;
      pending = undefined;
      off();
      // A next() still waiting (return() called beside it) ends too, rather than waiting forever.
      wake?.();
      return { value: undefined, done: true };
    };
    return {
      next: async () => {
        while (pending === undefined && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const got = pending;
        if (got === undefined) return finish();
        pending = undefined;
        if (!got.ok) {
          finish();
          throw got.error;
        }
        return { value: { value: got.value, version: got.version }, done: false };
      },
      return: async () => finish(),
    };
  }

  /** Interop with Observable libraries (RxJS looks for this key when `Symbol.observable` is not defined). */
  ['@@observable'](): this {
    return this;
  }

  #add(sink: Sink<T>): () => void {
    if (this.#ended) {
      sink.complete();
      return () => {};
    }
    this.#sinks.add(sink);
    if (!this.#active) {
      this.#active = true;
      this.#runner.start();
    }
    const current = this.#current;
    if (current) send(sink, current);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.#sinks.delete(sink);
      this.#stopSoon();
    };
  }

  /**
   * Stops after the current task if nobody subscribed again: React's
   * StrictMode and re-renders unsubscribe and subscribe at once, and that
   * must not cost a new first run.
   */
  #stopSoon(): void {
    if (this.#sinks.size > 0 || this.#stopQueued) return;
    this.#stopQueued = true;
    queueMicrotask(() => {
      this.#stopQueued = false;
      if (this.#sinks.size > 0 || !this.#active) return;
      this.#active = false;
      this.#current = undefined;
      this.#runner.stop();
    });
  }

  #deliver(result: LiveResult<T>): void {
    this.#current = result;
    for (const sink of [...this.#sinks]) send(sink, result);
  }

  #complete(): void {
    this.#ended = true;
    this.#active = false;
    const sinks = [...this.#sinks];
    this.#sinks.clear();
    for (const sink of sinks) sink.complete();
  }
}

function send<T>(sink: Sink<T>, result: LiveResult<T>): void {
  try {
    if (result.ok) sink.next(result.value, result.version);
    else sink.error(result.error);
  } catch (err) {
    // One subscriber's throw must not keep the others from their value.
    queueMicrotask(() => {
      throw err;
    });
  }
}

/** An error nobody asked to hear about is still not silent. */
function unhandled(err: unknown): void {
  console.error('flowstore: a live query failed and its subscriber has no error callback:', err);
}

// Where a polyfill defines Symbol.observable, Observable libraries look for it instead.
const observable = (Symbol as { observable?: symbol }).observable;
if (typeof observable === 'symbol') {
  Object.defineProperty(LiveQuery.prototype, observable, { value: LiveQuery.prototype['@@observable'], configurable: true });
}
