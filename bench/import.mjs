// store.import() of a large image on a file, against writing the same rows through the store
// (10 × 10,000 concurrent table creates) and against export() of it, in the same run.
// `npm run build` first; runs in whatever runtime runs it (`node bench/import.mjs`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from 'flowstore';
import { fmtMs, median } from './report.mjs';

const ROWS = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'flowstore-bench-import-'));
const schema = { fields: { title: { type: 'string', required: true }, n: { type: 'integer' } }, indexes: ['n'] };
const times = { fill: [], export: [], import: [] };
let mb = 0;
try {
  for (let run = 0; run < RUNS; run++) {
    const source = await openStore({ name: 'source', path: join(dir, `source-${run}.sqlite3`) });
    const notes = await source.table('notes', schema);
    let t0 = performance.now();
    for (let i = 0; i < ROWS; i += 10_000) {
      await Promise.all(Array.from({ length: 10_000 }, (_, j) => notes.create({ title: `row ${i + j} ${'x'.repeat(60)}`, n: i + j })));
    }
    times.fill.push(performance.now() - t0);
    t0 = performance.now();
    const image = await source.export();
    times.export.push(performance.now() - t0);
    mb = image.byteLength / 1048576;
    const target = await openStore({ name: 'target', path: join(dir, `target-${run}.sqlite3`) });
    t0 = performance.now();
    await target.import(image);
    times.import.push(performance.now() - t0);
    if ((await (await target.table('notes', schema)).count()) !== ROWS) throw new Error('the import lost rows');
    await Promise.all([source.close(), target.close()]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`import of ${ROWS.toLocaleString()} table rows (${mb.toFixed(1)} MB image), median of ${RUNS}:`);
console.log(`  writing them through the store: ${fmtMs(m.fill)}; export(): ${fmtMs(m.export)}; import(): ${fmtMs(m.import)}`);
console.log(`  import ÷ writing the rows: ${(m.import / m.fill).toFixed(2)}×; import ÷ export: ${(m.import / m.export).toFixed(1)}×`);
