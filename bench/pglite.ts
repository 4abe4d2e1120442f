import { PGliteWorker } from '@electric-sql/pglite/worker';
import type { row } from './tables.js';

type Row = ReturnType<typeof row>;

let opened: Promise<PGliteWorker> | undefined;

/** PGlite in its worker on OPFS (opfs-ahp://), opened once per page and shared by every repetition. */
function pglite(prefix: string): Promise<PGliteWorker> {
  opened ??= PGliteWorker.create(new Worker(new URL('./pglite.worker.ts', import.meta.url), { type: 'module' }), {
    dataDir: `opfs-ahp://bench-pglite-${prefix}`,
  });
  return opened;
}

/**
 * A PGlite table for the same rows as flowstore's: a UUID id made by the
 * database, the four fields, creation time, and an index on `key`.
 */
export async function pgliteTable(prefix: string, name: string): Promise<PGliteWorker> {
  const pg = await pglite(prefix);
  await pg.exec(`
    CREATE TABLE ${name} (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tag text NOT NULL,
      key text NOT NULL,
      n integer NOT NULL,
      note text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ${name}_key ON ${name} (key);
  `);
  return pg;
}

/**
 * PGlite's bulk insert as Postgres advises it: one multi-row INSERT with bound
 * values (one statement, so one transaction and one commit), without RETURNING.
 */
export async function pgliteBulkInsert(pg: PGliteWorker, name: string, rows: Row[]): Promise<void> {
  const values: string[] = [];
  const params: unknown[] = [];
  for (const r of rows) {
    const at = params.length;
    values.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4})`);
    params.push(r.tag, r.key, r.n, r.note);
  }
  await pg.query(`INSERT INTO ${name} (tag, key, n, note) VALUES ${values.join(', ')}`, params);
}

/** How many rows of table `name` have `key`: a check that the insert stored every row. */
export async function pgliteCount(pg: PGliteWorker, name: string, key: string): Promise<number> {
  const r = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} WHERE key = $1`, [key]);
  return r.rows[0]!.n;
}

/** Closes PGlite's worker, if a repetition opened it. */
export async function closePglite(): Promise<void> {
  const pg = await opened;
  opened = undefined;
  await pg?.close();
}

/** The same rows as one array per column, unnested by a single INSERT … SELECT: Postgres' other one-statement bulk form. */
export async function pgliteUnnestInsert(pg: PGliteWorker, name: string, rows: Row[]): Promise<void> {
  await pg.query(`INSERT INTO ${name} (tag, key, n, note) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[])`, [
    rows.map((r) => r.tag),
    rows.map((r) => r.key),
    rows.map((r) => r.n),
    rows.map((r) => r.note),
  ]);
}
