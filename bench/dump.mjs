// What a Markdown dump costs a table's writes on a file store (Node, Deno, Bun): the same
// writes to a table without a dump and to one with a dump directory, in one run, on disk.
// Needs dist/ (`npm run build`); `node bench/dump.mjs`. Ratios divide two medians of this run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from 'flowstore';
import { fmtMs, median } from './report.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AWAITED = 200;
const CONCURRENT = 1000;
const dir = mkdtempSync(join(tmpdir(), 'flowstore-bench-dump-'));
const fields = { title: { type: 'string', required: true }, body: { type: 'string' }, n: { type: 'integer' } };

let runs = 0;
async function scenario(withDump) {
  const run = ++runs;
  const store = await openStore({ name: 'bench', path: join(dir, `s-${run}.sqlite3`) });
  const t = await store.table('notes', { fields, ...(withDump && { dump: { dir: join(dir, `notes-${run}`) } }) });
  const times = {};
  const time = async (key, fn) => {
    const start = performance.now();
    await fn();
    times[key] = performance.now() - start;
  };
  await time('awaited', async () => {
    for (let i = 0; i < AWAITED; i++) await t.create({ title: `note ${i}`, body: 'a short body', n: i });
  });
  let rows;
  await time('concurrent', async () => {
    rows = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => t.create({ title: `c ${i}`, body: 'x', n: i })));
  });
  await time('updates', () => Promise.all(rows.map((r) => t.update(r.id, { body: 'changed' }))));
  await store.close();
  return times;
}

const plain = [];
const dumped = [];
for (let i = 0; i < RUNS; i++) {
  plain.push(await scenario(false));
  dumped.push(await scenario(true));
}
rmSync(dir, { recursive: true, force: true });
const m = (list, key) => median(list.map((t) => t[key]));
const runtime = globalThis.Bun
  ? `Bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `Deno ${globalThis.Deno.version.deno}`
    : `Node ${process.versions.node}`;
console.log(`\n${runtime}, file store, median of ${RUNS} runs (plain table vs the same table with dump: { dir })\n`);
for (const [key, label] of [
  ['awaited', `${AWAITED} awaited create`],
  ['concurrent', `${CONCURRENT} concurrent create`],
  ['updates', `${CONCURRENT} concurrent update (merge)`],
]) {
  const a = m(plain, key);
  const b = m(dumped, key);
  console.log(`${label.padEnd(32)} plain ${fmtMs(a).padStart(9)}   dumped ${fmtMs(b).padStart(9)}   dumped ÷ plain ${(b / a).toFixed(2)}×`);
}
