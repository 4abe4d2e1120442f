import type { ChangeNotice } from '../../shared/change-notice.js';
import type { WatchAnswer } from '../../shared/protocol.js';
import { ClosedError } from '../../shared/errors.js';
import type { ModuleContext } from '../module-context.js';
import type { Dependency } from '../../shared/read-deps.js';
import { expireAnswered, ReadTracker, type Answered, type CarriedValue } from './read-tracker.js';

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
  #offRecheck: (() => void) | undefined;
  /** Bumped when notices may have been lost (see ChangeFeed.onRecheck): a run that began before must run again. */
  #rechecks = 0;
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
  /** This query's watch (its reads registered with the leader's engine), and the keys of the reads in it, by position. */
  #watch: string | undefined;
  #rev = 0;
  #watchedKeys: string[] = [];
  #watchedDeps: Dependency[] = [];
  /** The newest answers to the watched reads, for the next run. */
  #answered: Answered | undefined;

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
    this.#offChange = feed.subscribe((notice, answers) => this.#notice(notice, answers));
    this.#offRecheck = feed.onRecheck(() => {
      this.#rechecks++;
      this.#schedule();
    });
    this.#schedule();
  }

  /** Stops listening and drops any run in flight; start() begins afresh. */
  stop(): void {
    this.#generation++;
    this.#offChange?.();
    this.#offClose?.();
    this.#offRecheck?.();
    this.#offChange = this.#offClose = this.#offRecheck = undefined;
    this.#tracker = this.#last = undefined;
    this.#running = false;
    this.#latest = 0;
    this.#seen = -1;
    this.#carried = new Map();
    if (this.#watch !== undefined) this.#ctx.watches?.delete(this.#watch);
    this.#watch = undefined;
    this.#watchedKeys = [];
    this.#watchedDeps = [];
    this.#answered = undefined;
  }

  #notice(notice: ChangeNotice, answers: readonly WatchAnswer[] | undefined): void {
    // Values handed to a run in flight, or kept for the next, that this commit may have changed are
    // dropped first: a read the run has not made yet would otherwise take them, though older.
    this.#tracker?.expire(notice);
    expireAnswered(this.#answered, notice);
    // A read made after this notice arrived sees its commit: only reads already made can be stale.
    const reads = this.#tracker ?? this.#last;
    if (!reads?.matches(notice)) return;
    if (answers && this.#watch !== undefined) this.#take(answers);
    // Values carried before an import describe the database it replaced.
    if (notice.module === 'database') this.#carried.clear();
    if (notice.module === 'globals' && reads.readsGlobal(notice.key)) {
      const { valueJson, version } = notice;
      this.#carried.set(notice.key, valueJson === undefined ? { version } : { valueJson, version });
    }
    if (notice.version > this.#latest) this.#latest = notice.version;
    if (!this.#running && notice.version > this.#seen) this.#schedule();
  }

  /** Keeps the answers to this query's current watch, if they are newer than those kept. */
  #take(answers: readonly WatchAnswer[]): void {
    for (const answer of answers) {
      if (answer?.watch !== this.#watch || answer.rev !== this.#rev || !Array.isArray(answer.outcomes)) continue;
      if (typeof answer.version !== 'number' || (this.#answered && this.#answered.version >= answer.version)) return;
      const values: Answered['values'] = new Map();
      answer.outcomes.forEach((outcome, i) => {
        const key = this.#watchedKeys[i];
        const dep = this.#watchedDeps[i];
        if (key !== undefined && dep !== undefined && outcome?.ok) values.set(key, { value: outcome.value, dep });
      });
      this.#answered = { version: answer.version, values };
      return;
    }
  }

  /** Registers the reads of the run just delivered with the leader's engine, if they differ from those it has. */
  #register(tracker: ReadTracker): void {
    const watches = this.#ctx.watches;
    if (!watches) return;
    const keyed = tracker.keyed;
    const keys = keyed.map((k) => k.key);
    if (keys.length === this.#watchedKeys.length && keys.every((k, i) => k === this.#watchedKeys[i])) return;
    if (keys.length === 0) {
      if (this.#watch !== undefined) watches.delete(this.#watch);
      this.#watch = undefined;
      this.#watchedKeys = [];
      this.#watchedDeps = [];
      return;
    }
    this.#watch ??= watches.newId();
    this.#rev++;
    this.#watchedKeys = keys;
    this.#watchedDeps = keyed.map((k) => k.dep);
    // Answers to the reads this watch had before do not fit the new ones.
    this.#answered = undefined;
    watches.set(
      this.#watch,
      this.#rev,
      keyed.map((k) => k.call),
    );
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
      const latestBefore = this.#latest;
      const rechecks = this.#rechecks;
      const carried = this.#carried;
      this.#carried = new Map();
      const answered = this.#answered;
      this.#answered = undefined;
      const tracker = new ReadTracker(this.#ctx.reads, carried, answered);
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
      // This store is closing: its feed's close ends this query, with no error to deliver. A ClosedError
      // of anything else the query read (another store) is the run's error, delivered as any other.
      if (!result.ok && result.error instanceof ClosedError && (this.#ctx.reads.closed || this.#ctx.feed.closed)) {
        this.#running = false;
        return;
      }
      // Reads that saw different versions may mix two states: run again.
      if (tracker.versions.size > 1) continue;
      // A leader took over during the run: a commit whose notice went down with the old one may be missed.
      if (this.#rechecks !== rechecks) continue;
      const [read] = tracker.versions;
      const version = read ?? Math.max(this.#latest, this.#seen, 0);
      if (this.#latest > version) {
        // A change to what was read committed after the reads: the result is already old.
        if (this.#latest > latestBefore) continue;
        // The notice came before these reads, which still do not see its version: no engine of this
        // database made it (any page of the origin can post one). Running again would never catch up.
        this.#latest = version;
      }
      this.#seen = version;
      this.#running = false;
      this.#register(tracker);
      this.#emit(result.ok ? { ok: true, value: result.value, version } : result);
      return;
    }
  }
}
