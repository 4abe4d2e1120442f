import { leaderLockName } from '../../shared/protocol.js';

/** Runs while the lock is held; a throw gives the lock back at once. */
export type Lead = () => Promise<void>;

/**
 * The Web Lock whose holder leads a database. Holding it is a promise that
 * the lock callback returns; {@link release} settles it. At most one request
 * of this instance waits in line at a time.
 */
export class LeaderLock {
  readonly #name: string;
  #release: (() => void) | undefined;
  #queued: AbortController | undefined;

  constructor(dbName: string) {
    this.#name = leaderLockName(dbName);
  }

  get held(): boolean {
    return this.#release !== undefined;
  }

  get queued(): boolean {
    return this.#queued !== undefined;
  }

  /** Takes the lock if nobody holds it and runs `lead`: 'busy' if taken; rejects with `lead`'s failure. */
  tryNow(lead: Lead): Promise<'leading' | 'busy'> {
    return new Promise((settle, fail) => {
      navigator.locks
        .request(this.#name, { ifAvailable: true }, (lock) => {
          if (!lock) {
            settle('busy');
            return undefined;
          }
          return this.#hold(lead, (err) => (err === undefined ? settle('leading') : fail(err)));
        })
        .catch(fail);
    });
  }

  /** Waits in line for the lock and runs `lead` once it is granted; `failed` hears why leading did not start. */
  queue(lead: Lead, failed: (err: unknown) => void): void {
    if (this.#queued || this.#release) return;
    const queued = new AbortController();
    this.#queued = queued;
    navigator.locks
      .request(this.#name, { signal: queued.signal }, () => {
        if (this.#queued === queued) this.#queued = undefined;
        return this.#hold(lead, (err) => err !== undefined && failed(err));
      })
      .catch(() => {
        // Aborted while waiting: nothing was held.
        if (this.#queued === queued) this.#queued = undefined;
      });
  }

  /** Gives up a place in line, if there is one. */
  leaveQueue(): void {
    this.#queued?.abort();
    this.#queued = undefined;
  }

  /** Gives the lock back, if held. */
  release(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  #hold(lead: Lead, done: (err: unknown) => void): Promise<void> {
    return new Promise<void>((release) => {
      this.#release = release;
      lead().then(
        () => done(undefined),
        (err: unknown) => {
          if (this.#release === release) this.#release = undefined;
          release();
          done(err);
        },
      );
    });
  }
}
