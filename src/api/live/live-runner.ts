import type { ChangeNotice } from '../../shared/change-notice.js';
import { ClosedError } from '../../shared/errors.js';
import type { ModuleContext } from '../module-context.js';
import { ReadTracker, type CarriedValue } from './read-tracker.js';

/** One delivered outcome of a live query: a value at one committed version, or the error of a run. */
export type LiveResult<T> = { ok: true; value: T; version: number } | { ok: false; error: unknown };

/** A live query's function over a module context whose reads are tracked. */
export type LiveFn<T> = (ctx: ModuleContext) => Promise<T>;

/**
 * Runs a live query: once at start, then again whenever a committed change
 * (from any tab, as a change notice) could alter what the last run read. At
 * most one run is in flight; notices during a run only mark it stale. A run
 * is delivered only if all its reads saw one committed version and no
 * relevant change newer than that version arrived meanwhile; otherwise it
 * runs again before anything is delivered, so a result is never torn.
 */
export class LiveRunner<T> {
  readonly #ctx: ModuleContext;
  readonly #query: LiveFn<T>;
  readonly #emit: (result: LiveResult<T>) => void;
  readonly #end: () => void;
  #offChange: (() => void) | undefined;
  #offClose: (() => void) | undefined;
  /** The run in flight, and the last finished one: what notices are matched against. */
  #tracker: ReadTracker | undefined;
  #last: ReadTracker | undefined;
  #running = false;
  /** The newest version of a notice that touched what was being (or had been) read. */
  #latest = 0;
  /** The version the last delivered run saw (-1 before the first). */
  #seen = -1;
  /** Values carried by globals notices since the last run started, for the next run. */
  #carried = new Map<string, CarriedValue>();
  /** Bumped on stop: a run still in flight from before is dropped. */
  #generation = 0;

  constructor(ctx: ModuleContext, query: LiveFn<T>, emit: (result: LiveResult<T>) => void, end: () => void) {
    this.#ctx = ctx;
    this.#query = query;
    this.#emit = emit;
    this.#end = end;
  }

  /** Listens for notices and starts the first run (in a microtask, so a synchronous unsubscribe costs no read). */
  start(): void {
    const feed = this.#ctx.feed;
    this.#offClose = feed.onClose(() => {
      this.stop();
      this.#end();
    });
    if (feed.closed) return;
    this.#offChange = feed.subscribe((notice) => this.#notice(notice));
    this.#schedule();
  }

  /** Stops listening and drops any run in flight; start() begins afresh. */
  stop(): void {
    this.#generation++;
    this.#offChange?.();
    this.#offClose?.();
    this.#offChange = this.#offClose = undefined;
    this.#tracker = this.#last = undefined;
    this.#running = false;
    this.#latest = 0;
    this.#seen = -1;
    this.#carried = new Map();
  }

  #notice(notice: ChangeNotice): void {
    // A read made after this notice arrived sees its commit: only reads already made can be stale.
    const reads = this.#tracker ?? this.#last;
    if (!reads?.matches(notice)) return;
    // Values carried before an import describe the database it replaced.
    if (notice.module === 'database') this.#carried.clear();
    if (notice.module === 'globals' && reads.readsGlobal(notice.key)) {
      const { valueJson, version } = notice;
      this.#carried.set(notice.key, valueJson === undefined ? { version } : { valueJson, version });
    }
    if (notice.version > this.#latest) this.#latest = notice.version;
    if (!this.#running && notice.version > this.#seen) this.#schedule();
  }

  #schedule(): void {
    if (this.#running) return;
    this.#running = true;
    const generation = this.#generation;
    // A notice message holds every change of a commit: one run after all of them.
    queueMicrotask(() => {
      if (generation === this.#generation) void this.#loop(generation);
    });
  }

  async #loop(generation: number): Promise<void> {
    for (;;) {
      const carried = this.#carried;
      this.#carried = new Map();
      const tracker = new ReadTracker(this.#ctx.reads, carried);
      this.#tracker = tracker;
      let result: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        result = { ok: true, value: await this.#query({ batcher: tracker, feed: this.#ctx.feed, reads: this.#ctx.reads }) };
      } catch (error) {
        result = { ok: false, error };
      }
      if (generation !== this.#generation) return;
      this.#tracker = undefined;
      this.#last = tracker;
      // The store is closing: its feed's close ends this query, with no error to deliver.
      if (!result.ok && result.error instanceof ClosedError) return;
      // Reads that saw different versions may mix two states: run again.
      if (tracker.versions.size > 1) continue;
      const [read] = tracker.versions;
      const version = read ?? Math.max(this.#latest, this.#seen, 0);
      // A change to what was read committed after the reads: the result is already old.
      if (this.#latest > version) continue;
      this.#seen = version;
      this.#running = false;
      this.#emit(result.ok ? { ok: true, value: result.value, version } : result);
      return;
    }
  }
}
