// `npm run fuzz [-- --cases N --seed S --group-ms MS --verbose]`: the long hostile run
// (test/support/hostile-fuzz.ts) against the in-process engine in Node. The
// TypeScript sources are loaded through Vite's SSR module loader, which the
// project already has, so no extra tool is needed. Prints the seed and the
// counts; exits 1 if any bad count is not 0.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'vite';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'group-ms': { type: 'string', default: '10000' },
    verbose: { type: 'boolean', default: false },
  },
});
const cases = Number(values.cases);
const seed = values.seed === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0 : Number(values.seed);
const groupMs = Number(values['group-ms']);
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(seed) || !(groupMs > 0)) {
  console.error('usage: npm run fuzz -- [--cases N] [--seed S] [--group-ms MS] [--verbose]');
  process.exit(2);
}

console.log(`flowstore hostile fuzz: seed ${seed}, ${cases} calls (replay with: npm run fuzz -- --seed ${seed} --cases ${cases})`);
const server = await createServer({
  configFile: false,
  root: fileURLToPath(new URL('..', import.meta.url)),
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
let report;
const started = performance.now();
try {
  const { fuzz } = await server.ssrLoadModule('/test/support/hostile-fuzz.ts');
  let shown = 0;
  report = await fuzz({
    cases,
    seed,
    groupMs,
    progress: (calls) => {
      if (calls - shown < 10_000) return;
      shown = calls;
      console.log(`  ${calls} calls…`);
    },
  });
} finally {
  await server.close();
}

const t = report.tally;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\nseed ${report.seed}: ${t.calls} calls in ${seconds} s (${t.valid} valid, ${t.accepted} hostile accepted, ${t.refused} hostile refused)`,
);
console.log(`  untyped outcomes:             ${t.untyped}`);
console.log(`  harmed siblings:              ${t.harmed}`);
console.log(`  hangs:                        ${t.hangs}`);
console.log(`  changed keys/values:          ${t.changed}`);
console.log(`  wrong verdicts (value space): ${t.wrongVerdict}`);
console.log(`  victims changed / integrity:  ${report.victimsChanged}`);
if (report.kinds.length > 0) {
  console.log('\nproblems, by kind (count, one example):');
  for (const k of values.verbose ? report.kinds : report.kinds.slice(0, 30))
    console.log(`  ${String(k.count).padStart(6)}  ${k.example.slice(0, 300)}`);
}
console.log(report.bad === 0 ? '\nOK: every bad count is 0.' : `\nFAIL: ${report.bad} bad outcomes.`);
// Stores left behind by a hang may keep timers alive.
process.exit(report.bad === 0 ? 0 : 1);
