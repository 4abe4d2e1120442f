import type { ChangeFeed } from '../client/change-feed.js';
import type { ChangeNotice } from '../shared/protocol.js';
import type { StoredFrame } from '../shared/stream-frame.js';

/** Carried frames kept for a reader that is busy elsewhere; past this it reads instead. */
const MAX_CARRIED = 256;

/**
 * Waits for change notices that match one key. It subscribes when created,
 * before the caller's first database check, and remembers a notice that
 * arrives while nobody waits, so no notice between a check and the next wait
 * is lost. It also keeps the stream frames the notices carry, so a reader can
 * often skip reading them back. Call `dispose()` when done.
 */
export class NoticeWaiter {
  readonly #unsubscribe: () => void;
  readonly #stopRecheck: () => void;
  readonly #signal: AbortSignal | undefined;
  #noticed = false;
  #wake: (() => void) | undefined;
  #frames: StoredFrame[] = [];
  /** A matching notice came without its frame: only a read can tell what changed. */
  #mustRead = false;

  constructor(feed: ChangeFeed, matches: (change: ChangeNotice) => boolean, signal?: AbortSignal) {
    this.#signal = signal;
    this.#unsubscribe = feed.subscribe((change) => {
      // An import replaced the whole database: every waiter reads again (the notice carries no frame).
      if (!matches(change) && change.module !== 'database') return;
      if (this.#mustRead) {
        // Already useless until the next read: keep nothing.
      } else if (change.frame && this.#frames.length < MAX_CARRIED) {
        this.#frames.push(change.frame);
      } else {
        this.#readAgain();
      }
      this.#notice();
    });
    // A leader took over: a notice of the last commits may have gone down with the old one, so read.
    this.#stopRecheck = feed.onRecheck(() => {
      this.#readAgain();
      this.#notice();
    });
  }

  /** Only a read can tell what changed now: the frames kept so far are not enough. */
  #readAgain(): void {
    this.#mustRead = true;
    this.#frames = [];
  }

  /** Ends the pending wait, or the next one at once. */
  #notice(): void {
    this.#noticed = true;
    this.#wake?.();
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

  /**
   * The frames carried by matching notices since the last call; undefined if
   * a matching notice came without its frame (a close, a best-effort or large
   * frame), when only a read can tell what changed.
   */
  takeFrames(): StoredFrame[] | undefined {
    const frames = this.#mustRead ? undefined : this.#frames;
    this.#frames = [];
    this.#mustRead = false;
    return frames;
  }

  /** Stops listening; a pending wait resolves at once. */
  dispose(): void {
    this.#unsubscribe();
    this.#stopRecheck();
    this.#wake?.();
  }
}
