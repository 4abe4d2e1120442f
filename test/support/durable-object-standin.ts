import { createRequire } from 'node:module';
import type { DurableObjectStorageLike } from '../../src/shared/types.js';

type Statement = { reader: boolean; all(...p: unknown[]): Record<string, unknown>[]; run(...p: unknown[]): { changes: number } };
// better-sqlite3 ships no types; the few calls used here.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
  prepare(sql: string): Statement;
  exec(sql: string): void;
};

/**
 * A stand-in for a SQLite-backed Durable Object's `ctx.storage`, over
 * better-sqlite3 in memory, for the host's logic around it (a failing
 * `sync()`, which workerd cannot be made to do). The runtime itself is tested
 * in workerd (test/server/workerd-*.test.ts).
 */
export function durableObjectStandIn(failSync: () => boolean): DurableObjectStorageLike & { sync(): Promise<void> } {
  const db = new Database(':memory:');
  let depth = 0;
  return {
    sql: {
      exec(query: string, ...bindings: unknown[]) {
        let rows: Record<string, unknown>[] = [];
        let rowsWritten = 0;
        if (bindings.length === 0 && /;\s*\S/.test(query.replace(/;\s*$/, ''))) {
          // Several statements (the schema's DDL), as the runtime's exec() takes them.
          db.exec(query);
        } else {
          const statement = db.prepare(query);
          if (!statement.reader) rowsWritten = statement.run(...bindings).changes;
          else {
            rows = statement.all(...bindings);
            // An INSERT … RETURNING reads and writes.
            if (!/^\s*(SELECT|PRAGMA|WITH)\b/i.test(query)) rowsWritten = rows.length;
          }
        }
        return Object.assign(rows[Symbol.iterator](), { toArray: () => rows, rowsWritten, rowsRead: rows.length });
      },
    },
    transactionSync<T>(fn: () => T): T {
      const name = `sp${depth++}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = fn();
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw err;
      } finally {
        depth--;
      }
    },
    async sync() {
      if (failSync()) throw new Error('sync refused');
    },
  } as unknown as DurableObjectStorageLike & { sync(): Promise<void> };
}
