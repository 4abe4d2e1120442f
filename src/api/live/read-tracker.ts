import type { Batcher, Caller } from '../../client/batcher.js';
import type { ChangeNotice } from '../../shared/change-notice.js';
import type { OpArgs, OpName, OpResult } from '../../shared/protocol.js';
import { dependencyOf, type Dependency } from '../../shared/read-deps.js';
import { MAX_WATCHED_READS } from '../../shared/watchable-reads.js';
import { keyedRead, type KeyedRead } from './read-key.js';

/** A globals value as the newest notice of its key carried it (valueJson absent: too large, read it). */
export type CarriedValue = { valueJson?: string; version: number };

/** Reads the leader's engine answered right after the commit of `version`, by read key (see read-key.ts), with what each depends on; each is used once. */
export type Answered = { version: number; values: Map<string, { value: unknown; dep: Dependency }> };

/** Drops the answers that a newer commit (`notice`) could have changed: those reads go back to the leader. */
export function expireAnswered(answered: Answered | undefined, notice: ChangeNotice): void {
  if (!answered || notice.version <= answered.version) return;
  for (const [key, read] of answered.values) if (read.dep(notice)) answered.values.delete(key);
}

/**
 * What one run of a live query sends its calls through: it notes what each
 * read depends on (before the read leaves, so a notice that arrives after
 * it is matched) and the committed version each answer saw. Reads go
 * through the store's read-only batcher, so every answer saw one version.
 */
export class ReadTracker implements Caller {
  readonly #reads: Batcher;
  readonly #carried: Map<string, CarriedValue>;
  readonly #deps: Dependency[] = [];
  /** Every version an answer of this run saw; more than one means the run may be torn. */
  readonly versions = new Set<number>();
  /** The globals keys this run read: carried values of these are kept for the next run. */
  readonly #globalsKeys = new Set<string>();
  readonly #answered: Answered | undefined;
  /** The reads of this run that the leader may answer next time, once each, in the order they were made. */
  readonly #keyed = new Map<string, KeyedRead>();

  constructor(reads: Batcher, carried: Map<string, CarriedValue>, answered?: Answered) {
    this.#reads = reads;
    this.#carried = carried;
    this.#answered = answered;
  }

  call<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    let dep: Dependency;
    try {
      dep = dependencyOf(op, args);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#deps.push(dep);
    const keyed = keyedRead(op, args, dep);
    if (keyed && this.#keyed.size < MAX_WATCHED_READS && !this.#keyed.has(keyed.key)) this.#keyed.set(keyed.key, keyed);
    // Kept whichever way this read is answered: the next notices' carried values of the key are for the next run.
    if (op === 'globals.get') this.#globalsKeys.add(args[0] as string);
    const answered = this.#answered;
    if (keyed && answered?.values.has(keyed.key)) {
      // Answered with the notice, at its commit's version: no read back.
      const { value } = answered.values.get(keyed.key)!;
      answered.values.delete(keyed.key);
      this.versions.add(answered.version);
      return Promise.resolve(value as OpResult<K>);
    }
    if (op === 'globals.get') {
      const carried = this.#carried.get(args[0] as string);
      // The notice carried the value: no read back (a follower would forward it to the leader).
      if (carried?.valueJson !== undefined) {
        this.versions.add(carried.version);
        return Promise.resolve(JSON.parse(carried.valueJson) as OpResult<K>);
      }
    }
    return this.#reads.callAt(op, ...args).then(({ value, version }) => {
      this.versions.add(version);
      return value;
    });
  }

  /** A live query's run only reads: its reads are tracked (and writes refused) as call's are. */
  callOwned<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    return this.call(op, ...args);
  }

  /**
   * A commit newer than the values this run was handed (answers, carried
   * globals) may have changed what it has not read yet: those values are
   * dropped, so such a read goes back and sees the newer version (and the
   * run, having seen two, runs again).
   */
  expire(notice: ChangeNotice): void {
    expireAnswered(this.#answered, notice);
    if (notice.module !== 'globals' && notice.module !== 'database') return;
    for (const [key, carried] of this.#carried) {
      if ((notice.module === 'database' || key === notice.key) && carried.version < notice.version) this.#carried.delete(key);
    }
  }

  /** The reads of this run the leader may answer with later commits. */
  get keyed(): KeyedRead[] {
    return [...this.#keyed.values()];
  }

  /** Whether `notice` could change what this run read. */
  matches(notice: ChangeNotice): boolean {
    for (const dep of this.#deps) if (dep(notice)) return true;
    return false;
  }

  /** Whether this run read globals key `key` (so a carried value of it is worth keeping). */
  readsGlobal(key: string): boolean {
    return this.#globalsKeys.has(key);
  }
}
