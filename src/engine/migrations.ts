import { StorageError, ValidationError } from '../shared/errors.js';
import type { Driver } from './storage/driver.js';

/**
 * Versioned schema: migration i moves the database from schema version i to
 * i + 1 (PRAGMA user_version, or a table where the driver cannot set it). Append new entries; never edit a released one.
 */
const migrations: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  INSERT INTO meta (key, value) VALUES ('version', 0);

  -- Replies to calls forwarded by follower tabs, so a call retried on a new
  -- leader after a hand-over is applied once and answered with its first result.
  CREATE TABLE applied_calls (
    key TEXT PRIMARY KEY,
    reply TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX applied_calls_by_age ON applied_calls (at);

  CREATE TABLE outputs (
    seq INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (run_id, node_id)
  ) STRICT;

  CREATE TABLE globals (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    task_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    producer TEXT NOT NULL,
    event TEXT NOT NULL,
    parents TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX records_by_task ON records (task_id, attempt, seq);
  CREATE INDEX records_by_producer ON records (producer, seq);
  `,
  // 2: streams (frames, per-attempt state and summaries)
  `
  CREATE TABLE stream_attempts (
    id INTEGER PRIMARY KEY,
    stream TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, -- a counter, so a purged best-effort frame's seq is never reused
    closed_at INTEGER,
    summary TEXT,
    summary_version INTEGER NOT NULL DEFAULT 0,
    summary_first_at INTEGER,
    summary_updated_at INTEGER,
    UNIQUE (stream, attempt)
  ) STRICT;

  CREATE TABLE stream_frames (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL REFERENCES stream_attempts (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    data ANY NOT NULL, -- TEXT holds JSON, BLOB holds bytes
    mode TEXT NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER,
    UNIQUE (attempt_id, seq)
  ) STRICT;
  CREATE INDEX stream_frames_by_expiry ON stream_frames (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 3: tables. Each table's rows get their own SQLite table when it is first
  // opened (see worker/table-sql.ts); here are what all tables share.
  `
  CREATE TABLE tables_catalog (
    name TEXT PRIMARY KEY,
    schema TEXT NOT NULL, -- the schema it was last opened with
    created_at INTEGER NOT NULL,
    schema_at INTEGER NOT NULL -- when that schema was first used
  ) STRICT;

  CREATE TABLE tables_aliases (
    tbl TEXT NOT NULL,
    name TEXT NOT NULL,
    where_json TEXT NOT NULL,
    row_limit INTEGER,
    description TEXT,
    params TEXT, -- JSON list of parameter names; NULL when it takes none
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tbl, name)
  ) STRICT;
  `,
  // 4: Markdown dumps of tables. A row write marks its row in the same
  // transaction (a trigger per dumped table, see dump/dump-sql.ts); the mark
  // goes once the row's file holds that write, so marks left by a crash or a
  // failed file write say which files are behind.
  `
  CREATE TABLE tables_dumps (
    tbl TEXT PRIMARY KEY,
    config TEXT NOT NULL -- JSON: dir (null for a directory handle, kept in IndexedDB), titleField, bodyField, sync, onDelete
  ) STRICT;

  CREATE TABLE tables_dump_pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a mark taken again gets a higher seq
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    UNIQUE (tbl, id)
  ) STRICT;
  `,
];

/** The schema version this flowstore writes. */
export const SCHEMA_VERSION = migrations.length;

/** The tables a database of schema version `version` holds before any table() is opened, from the migrations' own text. */
export function schemaTables(version: number): string[] {
  return migrations.slice(0, version).flatMap((sql) => [...sql.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]!));
}

/** A database's table names, as every SQLite has them (Durable Objects' included). */
export const TABLES_SQL = `SELECT name FROM sqlite_master WHERE type = 'table'`;

/**
 * Why a database of schema version `version` holding `tables` is not a
 * flowstore database, or undefined if it is one. user_version is a counter
 * many programs keep, so a version counts only with that version's tables,
 * and version 0 only when empty. SQLite's own tables (sqlite_…) and
 * Cloudflare's (_cf_…, which a Durable Object may hold before any use) do not count.
 */
export function foreignSchema(version: number, tables: string[]): string | undefined {
  const own = tables.filter((t) => !t.startsWith('sqlite_') && !t.startsWith('_cf_'));
  const has = own.length === 0 ? 'no tables' : `tables ${listed(own)}`;
  if (version === 0) return own.length === 0 ? undefined : `it has ${has} and schema version 0`;
  // What a newer flowstore holds is not known here, but for meta, which every version keeps.
  const missing = (version > SCHEMA_VERSION ? ['meta'] : schemaTables(version)).filter((t) => !own.includes(t));
  return missing.length === 0 ? undefined : `it has ${has} and schema version ${version}, but lacks ${listed(missing)}`;
}

/** Names for a message: the first eight, and how many more. */
export function listed(names: string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown;
}

/**
 * Brings the database to the newest schema (or to `target`, for tests that
 * make images of older versions), in one transaction.
 * @throws ValidationError if the database is another program's (nothing is changed).
 */
export function migrate(driver: Driver, target = SCHEMA_VERSION): void {
  const current = driver.schemaVersion();
  const foreign = foreignSchema(
    current,
    driver.all(TABLES_SQL).map((r) => String(r.name)),
  );
  if (foreign !== undefined) {
    throw new ValidationError(
      `the database is not a flowstore database (${foreign}), so it was left alone; open the store on a database of its own (a new file, or a Durable Object that holds nothing else)`,
    );
  }
  if (current > migrations.length) {
    throw new StorageError(
      `This database has schema version ${current}, newer than this flowstore (${migrations.length}); upgrade flowstore to open it.`,
    );
  }
  if (current >= target) return;
  driver.transaction(() => {
    for (let v = current; v < target; v++) driver.exec(migrations[v]!);
    driver.setSchemaVersion(target);
  });
}
