// The server section of the benchmark: flowstore on a file against the raw binding it
// uses, same pragmas (WAL, synchronous=FULL, locking_mode=EXCLUSIVE), same rows, on disk.
// Runs in whatever runtime runs it; `npm run bench:server` runs it on Node 24
// (node:sqlite), then on Node 20 (better-sqlite3), Bun (bun:sqlite) and Deno (node:sqlite).
// Needs dist/ (`npm run build`). Every ratio divides two medians from this one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from 'flowstore';
import { fmtMs, median } from './report.mjs';

const N = 1000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const driver = process.env.BENCH_DRIVER || undefined;
const dir = mkdtempSync(join(tmpdir(), 'flowstore-bench-'));
const runtime = globalThis.Bun
  ? `Bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `Deno ${globalThis.Deno.version.deno}`
    : `Node ${process.versions.node}`;

/** The raw binding the store uses here, with one helper per scenario. */
async function openRaw(path, name) {
  let db;
  if (name === 'bun:sqlite') db = new (await import('bun:sqlite')).Database(path, { create: true, readwrite: true });
  else if (name === 'better-sqlite3') db = new (await import('better-sqlite3')).default(path, { timeout: 0 });
  else db = new (await import('node:sqlite')).DatabaseSync(path);
  db.exec(`PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
    CREATE TABLE outputs (seq INTEGER PRIMARY KEY, run_id TEXT NOT NULL, node_id TEXT NOT NULL, value TEXT NOT NULL,
      created_at INTEGER NOT NULL, UNIQUE (run_id, node_id)) STRICT`);
  const insert = db.prepare('INSERT INTO outputs (run_id, node_id, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const select = db.prepare('SELECT value FROM outputs WHERE run_id = ? AND node_id = ?');
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  return { db, insert, select, begin, commit };
}

let files = 0;
async function scenario(binding = driver) {
  const path = join(dir, `s-${++files}.sqlite3`);
  const store = await openStore({ name: 'bench', path, ...(binding && { driver: binding }) });
  const raw = await openRaw(join(dir, `raw-${files}.sqlite3`), binding ?? defaultDriver());
  // A fresh object per row, as an app's values are.
  const row = () => ({ n: 1, text: 'a small output value' });
  const value = JSON.stringify(row());
  const t = {};
  const time = async (key, fn) => {
    const start = performance.now();
    await fn();
    t[key] = performance.now() - start;
  };
  await time('putAwaited', async () => {
    for (let i = 0; i < N; i++) await store.outputs.put('a', `n${i}`, row());
  });
  // The raw loops make each row's JSON text from an object like the one each put gets, as an
  // app storing JSON values in raw SQLite must; binding one string made once is shown beside it.
  await time('rawAwaited', async () => {
    for (let i = 0; i < N; i++) {
      await null;
      raw.begin.run();
      raw.insert.run('a', `n${i}`, JSON.stringify(row()), Date.now());
      raw.commit.run();
    }
  });
  await time('putConcurrent', () => Promise.all(Array.from({ length: N }, (_, i) => store.outputs.put('c', `n${i}`, row()))));
  await time('rawOneTx', async () => {
    raw.begin.run();
    for (let i = 0; i < N; i++) raw.insert.run('c', `n${i}`, JSON.stringify(row()), Date.now());
    raw.commit.run();
  });
  await time('rawOneTxOnce', async () => {
    raw.begin.run();
    for (let i = 0; i < N; i++) raw.insert.run('d', `n${i}`, value, Date.now());
    raw.commit.run();
  });
  await time('getAwaited', async () => {
    for (let i = 0; i < N; i++) await store.outputs.get('a', `n${i}`);
  });
  await time('rawGet', async () => {
    for (let i = 0; i < N; i++) {
      await null;
      JSON.parse(raw.select.get('a', `n${i}`).value);
    }
  });
  await store.close();
  raw.db.close();
  return t;
}

function defaultDriver() {
  if (globalThis.Bun) return 'bun:sqlite';
  const [major, minor] = process.versions.node.split('.').map(Number);
  return globalThis.Deno || major > 22 || (major === 22 && minor >= 13) ? 'node:sqlite' : 'better-sqlite3';
}

await scenario(); // warm-up: JIT, page cache, file creation
const runs = [];
for (let r = 0; r < RUNS; r++) runs.push(await scenario());
// On Bun, which binding openStore picks by default: both, interleaved in this one process.
const bindings = globalThis.Bun && !driver ? { 'bun:sqlite': [], 'node:sqlite': [] } : undefined;
if (bindings) {
  await scenario('node:sqlite'); // its warm-up
  for (let r = 0; r < RUNS; r++) for (const b of Object.keys(bindings)) bindings[b].push(await scenario(b));
}
rmSync(dir, { recursive: true, force: true });

const m = (key) => median(runs.map((x) => x[key]));
const range = (key) => `${fmtMs(Math.min(...runs.map((x) => x[key])))}–${fmtMs(Math.max(...runs.map((x) => x[key])))}`;
const label = `${runtime}, ${driver ?? defaultDriver()}`;
const rows = [
  ['1,000 awaited `outputs.put`', 'putAwaited'],
  ['raw: 1,000 awaited one-row transactions', 'rawAwaited'],
  ['1,000 concurrent `outputs.put`', 'putConcurrent'],
  ['raw: 1,000 rows in one transaction', 'rawOneTx'],
  ['raw: the same, one JSON text bound 1,000 times', 'rawOneTxOnce'],
  ['1,000 awaited `outputs.get`', 'getAwaited'],
  ['raw: 1,000 awaited prepared SELECTs', 'rawGet'],
];
console.log(`\n### ${label} (file on disk, median of ${RUNS} runs)\n`);
console.log('| measure | median | range | per op |\n| --- | --- | --- | --- |');
for (const [name, key] of rows) console.log(`| ${name} | ${fmtMs(m(key))} | ${range(key)} | ${fmtMs(m(key) / N)} |`);
const ratio = (a, b, target) => {
  const v = m(a) / m(b);
  return `${v.toFixed(2)}× | ${target ?? '—'} | ${target ? (v <= Number(target.slice(2, -1)) ? 'PASS' : 'MISS') : 'info'}`;
};
console.log('\n| comparison | value | target | |\n| --- | --- | --- | --- |');
console.log(`| awaited put ÷ raw awaited one-row transaction | ${ratio('putAwaited', 'rawAwaited', '≤ 1.3×')} |`);
console.log(`| concurrent puts ÷ raw one transaction | ${ratio('putConcurrent', 'rawOneTx', '≤ 1.5×')} |`);
console.log(`| concurrent puts ÷ raw, one JSON text made once | ${ratio('putConcurrent', 'rawOneTxOnce')} |`);
console.log(`| awaited get ÷ raw prepared SELECT | ${ratio('getAwaited', 'rawGet')} |`);

if (bindings) {
  const mb = (b, key) => median(bindings[b].map((x) => x[key]));
  console.log(`\n### ${runtime}: flowstore on bun:sqlite vs on node:sqlite (interleaved, median of ${RUNS} runs each)\n`);
  console.log('| measure | bun:sqlite | node:sqlite | node:sqlite ÷ bun:sqlite |\n| --- | --- | --- | --- |');
  for (const [name, key] of rows.filter(([n]) => !n.startsWith('raw'))) {
    console.log(
      `| ${name} | ${fmtMs(mb('bun:sqlite', key))} | ${fmtMs(mb('node:sqlite', key))} | ${(mb('node:sqlite', key) / mb('bun:sqlite', key)).toFixed(2)}× |`,
    );
  }
}
