import type { Database } from '@sqlite.org/sqlite-wasm';
import { encodeError, ValidationError } from '../errors.js';
import type { BatchReply, Call, Outcome } from '../protocol.js';
import type { Change } from '../types.js';
import { ops, readOps } from './ops.js';
import { migrate } from './schema.js';
import { toStoreError } from './sql-errors.js';
import { Tx } from './tx.js';

type Handler = (tx: Tx, ...args: unknown[]) => unknown;

/** How long replies of forwarded calls are kept for retries after a hand-over. */
const REMEMBER_MS = 10 * 60_000;

// A key no JSON value of a caller can hold unnoticed (it starts with NUL).
const BYTES_TAG = '\u0000flowstore:bytes';

// Outcomes are stored as JSON; bytes (stream frames) are tagged so they come back as bytes.
function encodeOutcomes(outcomes: Outcome[]): string {
  return JSON.stringify(outcomes, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_TAG]: Array.from(value) } : value,
  );
}

function decodeOutcomes(text: string): Outcome[] {
  return JSON.parse(text, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && BYTES_TAG in value ? new Uint8Array((value as Record<string, number[]>)[BYTES_TAG]!) : value,
  ) as Outcome[];
}

/**
 * Owns one open SQLite database and does all SQL. It never touches `self` or
 * `postMessage`, so it runs in the worker and in-process (Node, tests) alike.
 */
export class Engine {
  readonly #db: Database;
  readonly #tx: Tx;
  #version: number;
  #remembered = 0;

  constructor(db: Database, exportImage: () => Uint8Array) {
    this.#db = db;
    migrate(db);
    this.#tx = new Tx(db, exportImage);
    this.#version = Number(this.#tx.get(`SELECT value FROM meta WHERE key = 'version'`)?.value ?? 0);
  }

  /**
   * Applies a batch of calls in one transaction (group commit), each inside its
   * own savepoint: a failing call is rolled back alone and keeps its own error,
   * the others commit together. Results are returned only after COMMIT.
   */
  exec(calls: Call[], callKey?: string): BatchReply {
    // Reads need no transaction: this engine is the only connection, and runs
    // each batch to the end before the next.
    if (calls.every((c) => readOps.has(c.op))) return { outcomes: calls.map((c) => this.#run(c)), changes: [] };
    const tx = this.#tx;
    tx.run('BEGIN');
    if (callKey !== undefined) {
      const seen = tx.get('SELECT reply FROM applied_calls WHERE key = ?', [callKey]);
      if (seen) {
        tx.run('COMMIT');
        return { outcomes: decodeOutcomes(seen.reply as string), changes: [] };
      }
    }
    const outcomes: Outcome[] = [];
    // A lone call needs no savepoint: if it fails, the transaction is rolled back instead.
    const isolate = calls.length > 1;
    for (const call of calls) {
      const mark = tx.changeCount;
      if (isolate) tx.run('SAVEPOINT call');
      const outcome = this.#run(call);
      if (outcome.ok) {
        if (isolate) tx.run('RELEASE call');
      } else {
        tx.dropChangesAfter(mark);
        if (!isolate || !this.#rollbackCall()) {
          this.#rollbackQuietly();
          tx.takeChanges();
          // A lone call keeps its own error. In a larger batch, SQLite has rolled the whole
          // transaction back (I/O error, full disk): no call was applied, none may report success.
          return { outcomes: isolate ? calls.map(() => outcome) : [outcome], changes: [] };
        }
      }
      outcomes.push(outcome);
    }
    const pending = tx.takeChanges();
    let changes: Change[] = [];
    try {
      if (pending.length > 0) {
        tx.run(`UPDATE meta SET value = value + 1 WHERE key = 'version'`);
        if (callKey !== undefined) this.#remember(callKey, outcomes);
      }
      tx.run('COMMIT');
    } catch (err) {
      // Nothing of this batch is durable: every call in it fails with the commit's error.
      this.#rollbackQuietly();
      const error = encodeError(toStoreError(err));
      return { outcomes: calls.map(() => ({ ok: false, error })), changes: [] };
    }
    if (pending.length > 0) {
      this.#version += 1;
      const version = this.#version;
      changes = pending.map((c) => ({ ...c, version }));
    }
    return { outcomes, changes };
  }

  /** Runs one call's handler; its error, if any, becomes its outcome. */
  #run(call: Call): Outcome {
    const handler = (ops as Record<string, Handler | undefined>)[call.op];
    if (!handler) return { ok: false, error: encodeError(new ValidationError(`unknown operation ${call.op}`, 'op')) };
    try {
      return { ok: true, value: handler(this.#tx, ...call.args) };
    } catch (err) {
      return { ok: false, error: encodeError(toStoreError(err)) };
    }
  }

  /** Keeps a forwarded batch's reply for a while, in the batch's own transaction. */
  #remember(callKey: string, outcomes: Outcome[]): void {
    const now = this.#tx.now();
    this.#tx.run('INSERT INTO applied_calls (key, reply, at) VALUES (?, ?, ?)', [callKey, encodeOutcomes(outcomes), now]);
    if (++this.#remembered % 256 === 0) this.#tx.run('DELETE FROM applied_calls WHERE at < ?', [now - REMEMBER_MS]);
  }

  close(): void {
    this.#tx.finalize();
    this.#db.close();
  }

  /** Undoes the failed call's savepoint; false if the transaction itself is gone. */
  #rollbackCall(): boolean {
    try {
      this.#tx.run('ROLLBACK TO call');
      this.#tx.run('RELEASE call');
      return true;
    } catch {
      this.#rollbackQuietly();
      return false;
    }
  }

  #rollbackQuietly(): void {
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // SQLite may already have rolled back on its own after an I/O error.
    }
  }
}
