import type { Database } from '@sqlite.org/sqlite-wasm';

/**
 * Versioned schema: migration i moves the database from user_version i to
 * i + 1. Append new entries; never edit a released one.
 */
const migrations: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
  INSERT INTO meta (key, value) VALUES ('version', 0);

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
  `SELECT 1;`,
  // 3: tables (rows of every named table, saved queries)
  `SELECT 1;`,
];

/** Brings the database to the newest schema, in one transaction. */
export function migrate(db: Database): void {
  const current = Number(db.selectValue('PRAGMA user_version') ?? 0);
  if (current > migrations.length) {
    throw new Error(`This database has schema version ${current}, newer than this flowstore (${migrations.length}); upgrade flowstore to open it.`);
  }
  if (current === migrations.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
    db.exec(`PRAGMA user_version = ${migrations.length}`);
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
