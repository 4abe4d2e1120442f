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
   * Resolves `true` at the next matching notice (at once if one came since the
   * last wait), or `false` after `ms`. Resolves `false` at once if the signal aborted.
   */
  wait(ms: number): Promise<boolean> {
    if (this.#noticed || this.#signal?.aborted) return Promise.resolve(this.#take());
    return new Promise<boolean>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve(this.#take());
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

  #take(): boolean {
    const noticed = this.#noticed;
    this.#noticed = false;
    return noticed;
  }
}
