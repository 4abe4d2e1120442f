// The floor: sqlite-wasm on opfs-sahpool with the engine's pragmas, no facade,
// no comlink, no batching. Messages: open, insert, close (see raw-client.ts).
import sqlite3InitModule, { type Database, type PreparedStatement, type SAHPoolUtil } from '@sqlite.org/sqlite-wasm';

type Request =
  | { id: number; type: 'open'; dir: string }
  | { id: number; type: 'insert'; rows: [string, string, unknown][] }
  | { id: number; type: 'close' };

let pool: SAHPoolUtil | undefined;
let db: Database | undefined;
let insert: PreparedStatement | undefined;

async function open(dir: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const sqlite3 = await sqlite3InitModule();
  const t1 = performance.now();
  pool = await sqlite3.installOpfsSAHPoolVfs({ name: `raw-${dir}`, directory: `.bench-raw/${dir}`, initialCapacity: 6 });
  const t2 = performance.now();
  db = new pool.OpfsSAHPoolDb('/raw.sqlite3');
  // Same pragmas as src/worker/sqlite.ts, so the floor pays the same commit.
  db.exec(`
    PRAGMA locking_mode = EXCLUSIVE;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA foreign_keys = ON;
    CREATE TABLE IF NOT EXISTS outputs (
      seq INTEGER PRIMARY KEY,
      run_id TEXT NOT NULL,
      node_id TEXT NOT NULL,
      value TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (run_id, node_id)
    ) STRICT;
  `);
  // A first read, as flowstore's cold open ends with one.
  db.selectValue('SELECT count(*) FROM outputs');
  const t3 = performance.now();
  return { init: t1 - t0, pool: t2 - t1, open: t3 - t2 };
}

function insertRows(rows: [string, string, unknown][]): Record<string, number> {
  if (!db) throw new Error('open first');
  const t0 = performance.now();
  insert ??= db.prepare('INSERT INTO outputs (run_id, node_id, value, created_at) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const [run, node, value] of rows) {
      insert.bind([run, node, JSON.stringify(value), Date.now()]).stepReset();
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
  return { inWorker: performance.now() - t0 };
}

function close(): Record<string, number> {
  insert?.finalize();
  db?.close();
  pool?.pauseVfs();
  insert = db = pool = undefined;
  return {};
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const req = event.data;
  try {
    let result: Record<string, number>;
    if (req.type === 'open') result = await open(req.dir);
    else if (req.type === 'insert') result = insertRows(req.rows);
    else result = close();
    postMessage({ id: req.id, ok: true, result });
  } catch (err) {
    postMessage({ id: req.id, ok: false, error: String((err as Error)?.message ?? err) });
  }
};
