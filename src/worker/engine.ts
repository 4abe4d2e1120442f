import type { Database } from '@sqlite.org/sqlite-wasm';
import { encodeError, ValidationError } from '../errors.js';
import type { BatchReply, Call, Outcome } from '../protocol.js';
import type { Change } from '../types.js';
import { ops } from './ops.js';
import { migrate } from './schema.js';
import { toStoreError } from './sql-errors.js';
import { Tx } from './tx.js';

type Handler = (tx: Tx, ...args: unknown[]) => unknown;

/**
 * Owns one open SQLite database and does all SQL. It never touches `self` or
 * `postMessage`, so it runs in the worker and in-process (Node, tests) alike.
 */
export class Engine {
  readonly #db: Database;
  readonly #tx: Tx;
  #version: number;

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
  exec(calls: Call[]): BatchReply {
    const tx = this.#tx;
    const outcomes: Outcome[] = [];
    tx.run('BEGIN');
    for (const call of calls) {
      const handler = (ops as Record<string, Handler | undefined>)[call.op];
      if (!handler) {
        outcomes.push({ ok: false, error: encodeError(new ValidationError(`unknown operation ${call.op}`, 'op')) });
        continue;
      }
      const mark = tx.changeCount;
      tx.run('SAVEPOINT call');
      try {
        const value = handler(tx, ...call.args);
        tx.run('RELEASE call');
        outcomes.push({ ok: true, value });
      } catch (err) {
        tx.dropChangesAfter(mark);
        tx.run('ROLLBACK TO call');
        tx.run('RELEASE call');
        outcomes.push({ ok: false, error: encodeError(toStoreError(err)) });
      }
    }
    const pending = tx.takeChanges();
    let changes: Change[] = [];
    try {
      if (pending.length > 0) {
        tx.run(`UPDATE meta SET value = value + 1 WHERE key = 'version'`);
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

  close(): void {
    this.#tx.finalize();
    this.#db.close();
  }

  #rollbackQuietly(): void {
    try {
      this.#db.exec('ROLLBACK');
    } catch {
      // SQLite may already have rolled back on its own after an I/O error.
    }
  }
}
