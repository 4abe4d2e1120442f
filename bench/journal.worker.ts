// Per-commit cost of one autocommit INSERT on opfs-sahpool under each journal
// mode, locking mode and synchronous setting. Every configuration gets its own
// database; rounds rotate the order so a busy spell hits them all alike.
import sqlite3InitModule, { type Database, type PreparedStatement } from '@sqlite.org/sqlite-wasm';

type Config = { journal: string; locking: 'NORMAL' | 'EXCLUSIVE'; synchronous: 'FULL' | 'NORMAL' };

/** One configuration's outcome; `refused` says why SQLite or the VFS would not take it. */
export type JournalRow = Config & {
  journalGot?: string;
  refused?: string;
  commits: number;
  median?: number;
  p90?: number;
  mean?: number;
  /** WAL only: one PRAGMA wal_checkpoint(TRUNCATE) after the commits, ms. */
  checkpoint?: number;
};

const configs: Config[] = [];
for (const journal of ['DELETE', 'TRUNCATE', 'PERSIST']) {
  for (const locking of ['NORMAL', 'EXCLUSIVE'] as const) {
    for (const synchronous of ['FULL', 'NORMAL'] as const) configs.push({ journal, locking, synchronous });
  }
}
configs.push(
  { journal: 'WAL', locking: 'EXCLUSIVE', synchronous: 'FULL' },
  { journal: 'WAL', locking: 'EXCLUSIVE', synchronous: 'NORMAL' },
  // Expected to be refused: sahpool has no shared memory for a WAL index.
  { journal: 'WAL', locking: 'NORMAL', synchronous: 'FULL' },
);

type Open = { config: Config; db: Database; insert: PreparedStatement; times: number[]; row: JournalRow };

function sorted(xs: number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

async function measure(prefix: string, commits: number, rounds: number): Promise<JournalRow[]> {
  const sqlite3 = await sqlite3InitModule();
  const pool = await sqlite3.installOpfsSAHPoolVfs({
    name: `journal-${prefix}`,
    directory: `.bench-journal/${prefix}`,
    initialCapacity: configs.length * 2 + 4,
  });
  const open: Open[] = [];
  const rows: JournalRow[] = [];
  configs.forEach((config, i) => {
    const row: JournalRow = { ...config, commits: 0 };
    rows.push(row);
    const db = new pool.OpfsSAHPoolDb(`/journal-${i}.sqlite3`);
    try {
      db.exec(`PRAGMA locking_mode = ${config.locking}`);
      row.journalGot = String(db.selectValue(`PRAGMA journal_mode = ${config.journal}`)).toUpperCase();
      db.exec(`PRAGMA synchronous = ${config.synchronous}`);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      if (row.journalGot !== config.journal) row.refused = `journal_mode stayed ${row.journalGot}`;
    } catch (err) {
      row.refused = String((err as Error).message);
    }
    if (row.refused) {
      db.close();
      return;
    }
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    // A few commits first, so the journal file exists and the statement is warm.
    for (let k = 0; k < 5; k++) insert.bind(['warm-up']).stepReset();
    open.push({ config, db, insert, times: [], row });
  });
  const perRound = Math.ceil(commits / rounds);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < open.length; j++) {
      const o = open[(j + r) % open.length]!;
      for (let k = 0; k < perRound && o.times.length < commits; k++) {
        const t0 = performance.now();
        o.insert.bind([`value ${k}`]).stepReset();
        o.times.push(performance.now() - t0);
      }
    }
  }
  for (const o of open) {
    const s = sorted(o.times);
    o.row.commits = s.length;
    o.row.median = s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    o.row.p90 = s[Math.ceil(0.9 * s.length) - 1]!;
    o.row.mean = s.reduce((a, b) => a + b, 0) / s.length;
    if (o.config.journal === 'WAL') {
      const t0 = performance.now();
      o.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      o.row.checkpoint = performance.now() - t0;
    }
    o.insert.finalize();
    o.db.close();
  }
  await pool.removeVfs();
  return rows;
}

self.onmessage = async (event: MessageEvent<{ prefix: string; commits: number; rounds: number }>) => {
  const { prefix, commits, rounds } = event.data;
  try {
    postMessage({ rows: await measure(prefix, commits, rounds) });
  } catch (err) {
    postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};
