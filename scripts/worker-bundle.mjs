// The database worker bundled into one file, shared by `npm run build` and the browser tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const sqliteDir = `${require.resolve('@sqlite.org/sqlite-wasm/package.json').replace(/package\.json$/, '')}dist/`;

/** The wasm file the worker loads from beside itself. */
export const sqliteWasm = `${sqliteDir}sqlite3.wasm`;

/**
 * sqlite-wasm's browser build, without what flowstore never runs. Its file also holds
 * the deprecated Worker1 promiser, whose `new Worker(new URL('sqlite3-worker1.mjs', …))`
 * makes bundlers emit a 650 kB second copy of SQLite, and the 'opfs' VFS (it needs
 * COOP/COEP; flowstore uses 'opfs-sahpool'), whose async-proxy worker they emit too.
 * Each cut must find its text exactly, so an upgrade that moves it fails the build.
 */
function trimmedSqlite() {
  let text = readFileSync(`${sqliteDir}index.mjs`, 'utf8');
  const cut = (from, to, why) => {
    if (!text.includes(from)) throw new Error(`build: sqlite-wasm changed, "${from.slice(0, 60)}" not found (${why})`);
    text = text.replace(from, to);
  };
  const promiser = text.indexOf('//#region src/bin/sqlite3-worker1-promiser.mjs');
  if (promiser < 0) throw new Error('build: sqlite-wasm changed, the Worker1 promiser region is not found');
  text = `${text.slice(0, promiser)}export default sqlite3_bundler_friendly_default;\n`;
  cut('if (!sqlite3.opfs || sqlite3.config.disable?.vfs?.opfs) return;', 'return; /* flowstore: no "opfs" VFS */', 'opfs VFS');
  cut('if (!sqlite3.opfs || sqlite3.config.disable?.vfs?.["opfs-wl"]) return;', 'return; /* flowstore: no "opfs-wl" VFS */', 'opfs-wl VFS');
  cut(
    'const url = new URL("sqlite3-opfs-async-proxy.js", import.meta.url);',
    'const url = sqlite3.util.toss("flowstore leaves out the opfs VFS and its async proxy");',
    'the proxy URL bundlers would emit',
  );
  const urls = text.match(/new URL\("[^"]*", import\.meta\.url\)/g);
  if (urls?.join() !== 'new URL("sqlite3.wasm", import.meta.url)')
    throw new Error(`build: the trimmed sqlite-wasm refers to ${urls?.join()}`);
  return text;
}

/**
 * esbuild options for the database worker as one self-contained file (the
 * published dist/worker/db.worker.js, and what the browser tests load: see
 * test/support/bundled-worker.ts), sqlite3.wasm expected beside it.
 */
export function workerBundle(outfile, { minify = true } = {}) {
  return {
    entryPoints: [`${root}src/worker/db.worker.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    keepNames: true,
    legalComments: 'inline',
    logLevel: 'warning',
    plugins: [
      {
        name: 'trimmed-sqlite-wasm',
        setup(b) {
          b.onResolve({ filter: /^@sqlite\.org\/sqlite-wasm$/ }, () => ({ path: 'sqlite3.mjs', namespace: 'trimmed-sqlite' }));
          b.onLoad({ filter: /.*/, namespace: 'trimmed-sqlite' }, () => ({ contents: trimmedSqlite(), loader: 'js' }));
        },
      },
    ],
  };
}
