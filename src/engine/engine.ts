import { checkCallOnce } from '../shared/call-checks.js';
import { describe } from '../shared/validate.js';
import { encodeError, ValidationError } from '../shared/errors.js';
import type { BatchReply, Call, ChangeNotice, Outcome } from '../shared/protocol.js';
import { handlers, isReadOnly, readOps } from './ops/index.js';
import { migrate } from './migrations.js';
import { toStoreError } from './sql-errors.js';
import { Db } from './db.js';
import { failAll } from './outcomes.js';
import { mergeRowNotices } from './row-notices.js';
import type { Driver } from './storage/driver.js';
import { clearMarks, dumpsOf, markAll, pendingDumps, type PendingDump } from './dump/dump-sql.js';
import type { StoredDump } from '../shared/table-dump.js';

/**
 * How long replies of keyed calls are kept for retries after a hand-over. A
 * retry comes within a caller's leaderTimeoutMs (10 s by default) plus the
 * hand-over itself, so two minutes is ample and bounds the table's size.
 */
const REMEMBER_MS = 2 * 60_000;

/**
 * Commit versions are handed out from a block reserved in the meta table: a
 * commit writes the meta page once per block instead of every time (one page
 * fewer per durable commit). Versions keep increasing across restarts, with
 * gaps; a version is only used once the commit that reserved it is durable.
 */
const VERSION_BLOCK = 4096;

/** The outcome of every call that returns nothing (a put, a delete): one frozen object, not one per call. */
const DONE: Outcome = Object.freeze({ ok: true, value: undefined });

/** What is kept of a forwarded batch: write outcomes (reads are re-run) and its notices. */
export type Remembered = { outcomes: (Outcome | null)[]; changes: ChangeNotice[] };

function merge(a: BatchReply, b: BatchReply): BatchReply {
  return { outcomes: [...a.outcomes, ...b.outcomes], changes: [...a.changes, ...b.changes] };
}

/**
 * Owns one open SQLite database and does all SQL. It never touches `self` or
 * `postMessage`, so it runs in the worker and in-process (Node, tests) alike.
 */
export class Engine {
  readonly #db: Db;
  /** The last version used, and the highest one reserved in the database. */
  #version: number;
  #reserved: number;
  #remembered = 0;
  #lastFailure: unknown;
  /** Dump marks whose files were written since the last commit: they go with the next one. */
  #dumped: number[] = [];

  constructor(driver: Driver) {
    migrate(driver);
    this.#db = new Db(driver);
    this.#version = this.#reserved = Number(this.#db.get(`SELECT value FROM meta WHERE key = 'version'`)?.value ?? 0);
  }

  /**
   * Applies a batch of calls in one transaction (group commit): a failing call
   * is undone alone and keeps its own error, the others commit together. Results are returned only after COMMIT. If the
   * transaction as a whole fails (full disk, I/O error), each call is retried
   * alone, so one caller's oversized write cannot fail the others.
   */
  exec(calls: Call[], callKey?: string): BatchReply {
    // Reads need no transaction: this engine is the only connection, and runs
    // each batch to the end before the next.
    if (isReadOnly(calls)) return { outcomes: calls.map((c) => this.#run(c)), changes: [] };
    if (callKey !== undefined) {
      const seen = this.#recall(callKey, calls);
      if (seen) return seen;
    }
    const memo = callKey === undefined ? undefined : (reply: BatchReply) => this.#remember(callKey, calls, reply);
    return this.#execTogether(calls, memo) ?? this.execEach(calls, callKey);
  }

  /** Runs each call in a transaction of its own (the slow path after a whole-batch failure). */
  execEach(calls: Call[], callKey?: string): BatchReply {
    const done: BatchReply = { outcomes: [], changes: [] };
    for (let i = 0; i < calls.length; i++) {
      const reply = this.execOne(calls, i, done, callKey);
      done.outcomes.push(...reply.outcomes);
      done.changes.push(...reply.changes);
    }
    return done;
  }

  /**
   * Runs `calls[i]` alone, in a transaction of its own. For a keyed batch the
   * memo grows in that transaction to cover `done` (the calls before it) and
   * this one, so a retry after a hand-over applies only what is missing.
   */
  execOne(calls: Call[], i: number, done: BatchReply, callKey?: string): BatchReply {
    const call = calls[i]!;
    if (readOps.has(call.op)) return { outcomes: [this.#run(call)], changes: [] };
    const memo = callKey === undefined ? undefined : (r: BatchReply) => this.#remember(callKey, calls, merge(done, r));
    return this.#execTogether([call], memo) ?? failAll([call], this.#lastFailure);
  }

  /** Stores a forwarded batch's reply in its own transaction, so a retry after a hand-over gets it. */
  #remember(callKey: string, calls: Call[], reply: BatchReply): void {
    // Frames stay out of the memo (bytes do not survive JSON): a re-sent notice without one makes readers read.
    const changes = reply.changes.map(({ frame: _, ...change }) => change);
    const kept: Remembered = { outcomes: calls.map((c, i) => (readOps.has(c.op) ? null : (reply.outcomes[i] ?? null))), changes };
    const now = this.#db.now();
    this.#db.run('INSERT OR REPLACE INTO applied_calls (key, reply, at) VALUES (?, ?, ?)', [callKey, JSON.stringify(kept), now]);
    if (++this.#remembered % 256 === 0) this.#db.run('DELETE FROM applied_calls WHERE at < ?', [now - REMEMBER_MS]);
  }

  /** What the memo of a keyed batch holds (outcomes of its applied writes, in call order), if any. */
  remembered(callKey: string): Remembered | undefined {
    const row = this.#db.get('SELECT reply FROM applied_calls WHERE key = ?', [callKey]);
    return row ? (JSON.parse(row.reply as string) as Remembered) : undefined;
  }

  /** The version of the last commit: a read run now sees exactly the state it committed. */
  get version(): number {
    return this.#version;
  }

  /** Moves whenever a statement writes; equal marks around a batch mean it wrote nothing to save. */
  writeMark(): number {
    return this.#db.writeMark();
  }

  #recall(callKey: string, calls: Call[]): BatchReply | undefined {
    const kept = this.remembered(callKey);
    if (!kept) return undefined;
    const outcomes: Outcome[] = [];
    const changes = [...kept.changes];
    calls.forEach((call, i) => {
      const known = kept.outcomes[i];
      if (known) outcomes.push(known);
      else if (readOps.has(call.op)) outcomes.push(this.#run(call));
      else {
        // A write cut off mid-way (the batch was being retried call by call): apply it now,
        // and extend the memo in the same transaction.
        const memo = (r: BatchReply) =>
          this.#remember(callKey, calls, { outcomes: [...outcomes, ...r.outcomes], changes: [...changes, ...r.changes] });
        const reply = this.#execTogether([call], memo) ?? failAll([call], this.#lastFailure);
        outcomes.push(...reply.outcomes);
        changes.push(...reply.changes);
      }
    });
    return { outcomes, changes };
  }

  /**
   * One transaction for the whole batch; undefined if the transaction itself
   * failed. A savepoint per call costs two more statements per call, and most
   * calls that fail wrote nothing before failing (a refused put, a failed
   * check; a failing statement undoes itself), so the batch first runs without
   * them. If a failing call had written something, the batch is rolled back
   * and run again with one nested transaction (savepoint) per call.
   */
  #execTogether(calls: Call[], memo?: (reply: BatchReply) => void, isolate = false): BatchReply | undefined {
    const db = this.#db;
    let reserved = this.#reserved;
    let reply: BatchReply;
    try {
      reply = db.transaction(() => {
        const outcomes: Outcome[] = [];
        for (const call of calls) {
          const mark = db.changeCount;
          const written = db.writeMark();
          const outcome = isolate ? this.#runNested(call) : this.#run(call);
          if (!outcome.ok) {
            db.dropChangesAfter(mark);
            if (isolate) {
              // Undone by its nested transaction.
            } else if (calls.length === 1) {
              throw new Abandon({ outcomes: [outcome], changes: [] });
            } else if (!db.inTransaction()) {
              throw new Error('SQLite rolled the transaction back after a failed call');
            } else if (db.writeMark() !== written) {
              throw new Abandon(undefined);
            }
          }
          outcomes.push(outcome);
        }
        const pending = mergeRowNotices(db.takeChanges());
        // Nothing changed (the calls failed, or were no-ops): a retry may run them again, and
        // a refused call must leave the database byte-for-byte as it was.
        if (pending.length === 0) return { outcomes, changes: [] };
        const version = this.#version + 1;
        // The batch's own notice objects, stamped in place: a copy of each cost a thousand-put batch ≈ 0.5 ms.
        for (const change of pending) (change as ChangeNotice).version = version;
        const changed = { outcomes, changes: pending as ChangeNotice[] };
        // Riding on this commit costs no flush of its own; a mark lost in a crash only rewrites a file.
        // After an import the marks are the image's, and their numbers may be those of the marks written here.
        if (!calls.some((c, i) => c.op === 'db.import' && outcomes[i]!.ok)) clearMarks(db, this.#dumped);
        if (version > reserved) {
          reserved = version + VERSION_BLOCK - 1;
          db.run(`UPDATE meta SET value = ? WHERE key = 'version'`, [reserved]);
        }
        memo?.(changed);
        return changed;
      });
    } catch (err) {
      db.takeChanges();
      if (err instanceof Abandon) return err.reply ?? this.#execTogether(calls, memo, true);
      this.#lastFailure = err;
      return undefined;
    }
    // Counters move only once the commit succeeded.
    if (reply.changes.length > 0) {
      this.#version = reply.changes[0]!.version;
      this.#dumped = [];
    }
    this.#reserved = reserved;
    return reply;
  }

  /** Runs one call in a nested transaction that is rolled back if the call fails. */
  #runNested(call: Call): Outcome {
    let outcome: Outcome | undefined;
    try {
      this.#db.transaction(() => {
        outcome = this.#run(call);
        if (!outcome.ok) throw new Abandon(undefined);
      });
    } catch (err) {
      // Anything else (the rollback itself failed: SQLite gave up the whole transaction) fails the batch.
      if (!(err instanceof Abandon)) throw err;
    }
    return outcome!;
  }

  /** Runs one call's handler; its error, if any, becomes its outcome. */
  #run(call: Call): Outcome {
    const handler = handlers.get(call.op);
    if (!handler) return { ok: false, error: encodeError(new ValidationError(`unknown operation ${describe(call.op)}`, 'op')) };
    try {
      checkCallOnce(call);
      const value = handler(this.#db, ...call.args);
      return value === undefined ? DONE : { ok: true, value };
    } catch (err) {
      return { ok: false, error: encodeError(toStoreError(err)) };
    }
  }

  /** Every table's dump, by table name. */
  dumps(): Map<string, StoredDump> {
    return dumpsOf(this.#db);
  }

  /** Rows of table `name` whose files are behind (see dump/dump-sql.ts). */
  pendingDumps(name: string, afterSeq: number, limit: number, ids?: readonly string[]): PendingDump[] {
    return pendingDumps(this.#db, name, afterSeq, limit, ids);
  }

  /** Marks every row of `name` as behind, in a transaction of its own. */
  markAllDumps(name: string): void {
    this.#db.transaction(() => markAll(this.#db, name));
  }

  /** Records that the files of these marks hold their writes; the marks go with the next commit (or at close). */
  dumpWritten(seqs: readonly number[]): void {
    this.#dumped.push(...seqs);
  }

  close(): void {
    if (this.#dumped.length > 0) {
      // Best effort: a mark left behind only makes the next open rewrite a file that is already right.
      try {
        this.#db.transaction(() => clearMarks(this.#db, this.#dumped));
      } catch {
        // The database is going away; the reconcile at the next open covers it.
      }
    }
    this.#db.close();
  }
}

/** Thrown inside a transaction to roll it back on purpose; `reply` is the answer, or undefined to run the batch again isolated. */
class Abandon {
  constructor(readonly reply: BatchReply | undefined) {}
}
