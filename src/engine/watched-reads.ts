import { CARRIED_VALUE_MAX, type ChangeNotice } from '../shared/change-notice.js';
import { isCall, type Call, type Outcome, type WatchAnswer } from '../shared/protocol.js';
import { dependencyOf, type Dependency } from '../shared/read-deps.js';
import { MAX_WATCHED_READS, WATCHABLE_READS } from '../shared/watchable-reads.js';

/** Live queries of every tab together; past this the oldest is forgotten (its tab then reads back). */
const MAX_WATCHES = 256;

/** Answers travel with the notice only up to this size (UTF-16 units of JSON, about): larger ones are read back. */
const ANSWER_MAX = 4 * CARRIED_VALUE_MAX;

/** All answers of one notice together, at most (every tab receives every notice). */
const ANSWERS_MAX = 4 * ANSWER_MAX;

/**
 * A watch whose reads took longer than this to answer, SLOW_ANSWERS times in
 * a row, is no longer answered: every commit that touches it would pay for
 * them, where its tab runs them once for a whole burst of commits. It is
 * tried again once in RETRY_SLOW_AFTER commits that touch it (a slow spell of
 * the machine, a GC, must not end its answers for good), so a watch that
 * stays slow costs at most a 32nd of its reads.
 */
const ANSWER_MS = 2;
const SLOW_ANSWERS = 3;
const RETRY_SLOW_AFTER = 32;

/** Watches of one commit after the first start only within this long; the rest read back (the next batch waits for this). */
const ANSWERS_MS = 5;

type Watch = { owner: string; rev: number; calls: Call[]; text: string; deps: Dependency[]; slow: number; skipped: number };

/**
 * The reads of live queries in any tab, as they registered them with this
 * engine's host: after each commit that touches a watch, its reads run at
 * once, at that commit's version, and their answers go out with the commit's
 * notice, so the query's next run reads nothing back (a follower tab would
 * forward each read to the leader). Only an optimisation: a watch that is
 * unknown, too large or too slow to answer is simply not answered.
 */
export class WatchedReads {
  readonly #watches = new Map<string, Watch>();
  readonly #now: () => number;

  /** `now` is the clock the time limits are measured with (milliseconds; tests pass one they move themselves). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Registers or replaces a watch of store instance `owner`; false (and nothing kept) if it is not a well-formed list of watchable reads. */
  set(owner: unknown, watch: unknown, rev: unknown, calls: unknown): boolean {
    if (typeof owner !== 'string' || owner.length > 256) return false;
    if (typeof watch !== 'string' || watch.length > 256 || typeof rev !== 'number' || !Array.isArray(calls)) return false;
    if (calls.length === 0 || calls.length > MAX_WATCHED_READS) return false;
    const deps: Dependency[] = [];
    for (const call of calls) {
      if (!isCall(call) || !WATCHABLE_READS.has(call.op)) return false;
      try {
        deps.push(dependencyOf(call.op, call.args));
      } catch {
        return false;
      }
    }
    // The same reads sent again (a new leader term, or any page of the origin) keep their record of slow answers.
    let text: string;
    try {
      text = JSON.stringify(calls);
    } catch {
      // A BigInt or a cycle, which no store sends: JSON cannot hold it, and no read could take it.
      return false;
    }
    const before = this.#watches.get(watch);
    this.#watches.delete(watch);
    const same = before?.text === text;
    this.#watches.set(watch, { owner, rev, calls, text, deps, slow: same ? before.slow : 0, skipped: same ? before.skipped : 0 });
    if (this.#watches.size > MAX_WATCHES) this.#watches.delete(this.#watches.keys().next().value!);
    return true;
  }

  delete(watch: unknown): void {
    if (typeof watch === 'string') this.#watches.delete(watch);
  }

  /** Forgets every watch of store instance `owner` (it closed, or its tab died). */
  deleteOwner(owner: string): void {
    for (const [watch, w] of this.#watches) if (w.owner === owner) this.#watches.delete(watch);
  }

  clear(): void {
    this.#watches.clear();
  }

  /** How many watches are registered (tests). */
  get size(): number {
    return this.#watches.size;
  }

  /**
   * Answers every watch that `changes` could touch, with `read` (which runs
   * reads on the engine as it is now, right after their commit: `version`).
   */
  answer(changes: readonly ChangeNotice[], version: number, read: (calls: Call[]) => Outcome[]): WatchAnswer[] | undefined {
    if (this.#watches.size === 0 || changes.length === 0) return undefined;
    let answers: WatchAnswer[] | undefined;
    let room = ANSWERS_MAX;
    const deadline = this.#now() + ANSWERS_MS;
    let tried = false;
    for (const [watch, w] of this.#watches) {
      if (!touches(w.deps, changes)) continue;
      if (w.slow >= SLOW_ANSWERS && ++w.skipped < RETRY_SLOW_AFTER) continue;
      const started = this.#now();
      // The first watch is always answered: a pause of the machine before it must not cost every tab a read back.
      if (tried && started > deadline) break;
      tried = true;
      w.skipped = 0;
      const outcomes = read(w.calls);
      w.slow = this.#now() - started > ANSWER_MS ? w.slow + 1 : 0;
      const budget = { left: Math.min(ANSWER_MAX, room) };
      if (!fits(outcomes, budget)) continue;
      room -= Math.min(ANSWER_MAX, room) - budget.left;
      (answers ??= []).push({ watch, rev: w.rev, version, outcomes });
    }
    return answers;
  }
}

function touches(deps: readonly Dependency[], changes: readonly ChangeNotice[]): boolean {
  for (const change of changes) for (const dep of deps) if (dep(change)) return true;
  return false;
}

/** Whether `value` is within `budget.left` (about its JSON length), walking no further than that. */
function fits(value: unknown, budget: { left: number }): boolean {
  if (typeof value === 'string') budget.left -= value.length + 2;
  else if (value instanceof Uint8Array) budget.left -= value.byteLength * 4;
  else if (Array.isArray(value)) {
    budget.left -= 2;
    for (const item of value) if (!fits(item, budget)) return false;
  } else if (typeof value === 'object' && value !== null) {
    budget.left -= 2;
    for (const key in value) {
      budget.left -= key.length + 3;
      if (!fits((value as Record<string, unknown>)[key], budget)) return false;
    }
  } else budget.left -= 8;
  return budget.left >= 0;
}
