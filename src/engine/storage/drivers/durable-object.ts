import { StorageError } from '../../../shared/errors.js';
import type { DurableObjectCursorLike, DurableObjectStorageLike } from '../../../shared/types.js';
import { bindable, type Driver, type Params, type SqlRow } from '../driver.js';

const SCHEMA_TABLE = 'flowstore_schema';

/**
 * A Cloudflare Durable Object's SQLite storage (`ctx.storage.sql`). Its SQL
 * API refuses BEGIN, SAVEPOINT and PRAGMA user_version, so transactions go
 * through `transactionSync` (which nests: an inner throw undoes only the inner
 * part) and the schema version lives in a table. Statements are not prepared
 * by the caller: the runtime caches them by SQL text itself.
 */
export class DurableObjectDriver implements Driver {
  readonly #storage: DurableObjectStorageLike;
  #written = 0;
  #depth = 0;

  constructor(storage: DurableObjectStorageLike) {
    this.#storage = storage;
  }

  run(sql: string, params?: Params): number {
    const cursor = this.#exec(sql, params);
    for (const _ of cursor);
    this.#written += cursor.rowsWritten;
    return cursor.rowsWritten;
  }

  get(sql: string, params?: Params): SqlRow | undefined {
    return this.all(sql, params)[0];
  }

  all(sql: string, params?: Params): SqlRow[] {
    const cursor = this.#exec(sql, params);
    const rows = cursor.toArray().map(plain);
    this.#written += cursor.rowsWritten;
    return rows;
  }

  exec(sql: string): void {
    this.run(sql);
  }

  /**
   * Diagnostics (inspect()), answered as on the other drivers where the platform
   * refuses the statement: `PRAGMA user_version` reads the schema table,
   * `PRAGMA integrity_check` runs as `quick_check` (the checks it can run), and
   * unbound placeholders are NULL (EXPLAIN of a query with placeholders).
   */
  query(sql: string): SqlRow[] {
    const pragma = /^\s*PRAGMA\s+(?:main\.)?(user_version|integrity_check)\s*;?\s*$/i.exec(sql)?.[1]?.toLowerCase();
    if (pragma === 'user_version') return [{ user_version: this.schemaVersion() }];
    if (pragma === 'integrity_check') return this.all('PRAGMA quick_check').map((r) => ({ integrity_check: r.quick_check ?? null }));
    // The runtime says only that the count is wrong, not what it should be: NULLs are added until it accepts.
    for (const nulls: null[] = []; ; nulls.push(null)) {
      try {
        return this.all(sql, nulls);
      } catch (err) {
        if (nulls.length >= 999 || !/Wrong number of parameter bindings/.test((err as Error).message)) throw err;
      }
    }
  }

  transaction<T>(fn: () => T): T {
    this.#depth++;
    try {
      return this.#storage.transactionSync(fn);
    } finally {
      this.#depth--;
    }
  }

  inTransaction(): boolean {
    // transactionSync rolls back and rethrows as a whole: there is no open transaction that SQLite gave up under us.
    return this.#depth > 0;
  }

  totalChanges(): number {
    return this.#written;
  }

  schemaVersion(): number {
    const table = this.get(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`, [SCHEMA_TABLE]);
    if (!table) return 0;
    return Number(this.get(`SELECT version FROM ${SCHEMA_TABLE} WHERE id = 1`)?.version ?? 0);
  }

  setSchemaVersion(version: number): void {
    this.run(`CREATE TABLE IF NOT EXISTS ${SCHEMA_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
    this.run(`INSERT INTO ${SCHEMA_TABLE} (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`, [
      version,
    ]);
  }

  exportImage(): Uint8Array {
    throw new StorageError(
      'export() is not available for a Durable Object store: Durable Objects give no access to the database file or an image of it (no sqlite3_serialize). Read the data through the store, or use Durable Objects point-in-time recovery.',
    );
  }

  openCopy(): Driver {
    throw new StorageError(
      'import() is not available for a Durable Object store: a Durable Object has no SQLite of its own to check an image in, and its database cannot be replaced as a file. Write the data through the store instead.',
    );
  }

  close(): void {
    // The object's storage lives as long as the object; there is nothing to close.
  }

  #exec(sql: string, params?: Params): DurableObjectCursorLike {
    return this.#storage.sql.exec(sql, ...bindable(params));
  }
}

/** BLOBs come back as ArrayBuffers: handed on as Uint8Arrays, as every other driver returns them. */
function plain(row: Record<string, unknown>): SqlRow {
  for (const key in row) {
    const v = row[key];
    if (v instanceof ArrayBuffer) row[key] = new Uint8Array(v);
  }
  return row as SqlRow;
}
