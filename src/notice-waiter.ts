import type { ChangeFeed } from './change-feed.js';
import type { Change } from './types.js';

/**
 * Waits for change notices that match one key. It subscribes when created,
 * before the caller's first database check, and remembers a notice that
 * arrives while nobody waits, so no notice between a check and the next wait
 * is lost. Call `dispose()` when done.
 */
export class NoticeWaiter {
  readonly #unsubscribe: () => void;
  readonly #signal: AbortSignal | undefined;
  #noticed = false;
  #wake: (() => void) | undefined;

  constructor(feed: ChangeFeed, matches: (change: Change) => boolean, signal?: AbortSignal) {
    this.#signal = signal;
    this.#unsubscribe = feed.subscribe((change) => {
      if (!matches(change)) return;
      this.#noticed = true;
      this.#wake?.();
    });
  }

  /**
   * Resolves at the next matching notice (at once if one came since the last
   * wait), after `ms`, or at once when the signal aborts; the caller re-checks
   * the database either way.
   */
  wait(ms: number): Promise<void> {
    if (this.#noticed || this.#signal?.aborted) {
      this.#noticed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        this.#noticed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  /** Stops listening; a pending wait resolves at once. */
  dispose(): void {
    this.#unsubscribe();
    this.#wake?.();
  }
}
