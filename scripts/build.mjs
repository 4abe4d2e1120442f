// `npm run build`: dist/ as published. tsc emits the modules and their types; then
// the database worker is bundled into one self-contained file, dist/worker/db.worker.js,
// with sqlite3.wasm beside it. One file with no bare imports is what lets any setup
// serve it: bundlers that recognise `new Worker(new URL(…))` (Vite, webpack) re-bundle
// it, the others (esbuild, Rollup, a static folder) copy the folder as it is.
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sqliteWasm, workerBundle } from './worker-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

rmSync(`${root}dist`, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await build(workerBundle(`${root}dist/worker/db.worker.js`));
// tsc's map of the unbundled worker no longer fits: the bundle ships without one.
rmSync(`${root}dist/worker/db.worker.js.map`, { force: true });
copyFileSync(sqliteWasm, `${root}dist/worker/sqlite3.wasm`);
