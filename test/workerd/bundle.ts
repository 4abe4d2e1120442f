import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin, type Rolldown } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const contractDir = `${root}test/contract/`;
const VIRTUAL = 'virtual:contract-files';

/**
 * Test code imports flowstore from src/index.ts, src/in-process.ts or src/server.ts; in workerd a user's
 * `import 'flowstore'` resolves to the workerd build (package.json exports), so the
 * bundle does the same for every importer outside src/.
 */
function asWorkerd(): Plugin {
  // What a Worker's `import 'flowstore'` gets: the package's "workerd" export (dist/, built by tsc -p tsconfig.build.json).
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { exports: { '.': { workerd: string } } };
  const published = `${root}${pkg.exports['.'].workerd}`;
  return {
    name: 'flowstore-as-workerd',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === 'flowstore') return published;
      if (!importer || importer.startsWith(`${root}src/`) || !/\/src\/(index|server|in-process)\.js$/.test(source)) return null;
      return `${root}src/workerd.ts`;
    },
  };
}

/**
 * Vitest's fake timers (sinon's) call setTimeout once when their module loads, to see what it
 * returns; workerd refuses timers while modules load, so the bundle loads them on first use.
 */
function lazyFakeTimers(): Plugin {
  const eager = 'var fakeTimersSrcExports = requireFakeTimersSrc();';
  return {
    name: 'flowstore-lazy-fake-timers',
    transform(code, id) {
      if (!id.includes('/node_modules/vitest/') || !code.includes(eager)) return null;
      return code.replace(eager, 'var fakeTimersSrcExports = { withGlobal: (g) => requireFakeTimersSrc().withGlobal(g) };');
    },
  };
}

/**
 * The contract files, each as a function that runs its body (its describe calls).
 * A module runs once per isolate, and every case is collected again in the Durable
 * Object it runs in, so each file's body must run again on each collection.
 */
function contractFiles(): Plugin {
  const files = readdirSync(contractDir).filter((f) => f.endsWith('.test.ts'));
  return {
    name: 'flowstore-contract-files',
    enforce: 'pre',
    resolveId: (source) => (source === VIRTUAL ? `\0${VIRTUAL}` : null),
    load(id) {
      if (id !== `\0${VIRTUAL}`) return null;
      const imports = files.map((f, i) => `import f${i} from ${JSON.stringify(contractDir + f)};`);
      const entries = files.map((f, i) => `${JSON.stringify(`test/contract/${f}`)}: f${i}`);
      return `${imports.join('\n')}\nexport default { ${entries.join(', ')} };`;
    },
    transform(code, id) {
      if (!id.startsWith(contractDir) || !id.endsWith('.test.ts')) return null;
      // The imports stay at the top (every contract file writes each on one line); the rest becomes the function.
      const lines = code.split('\n');
      const body = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('import '));
      return `${lines.slice(0, body).join('\n')}\nexport default function register() {\n${lines.slice(body).join('\n')}\n}\n`;
    },
  };
}

/** A module of a Worker, as miniflare takes it. */
export type WorkerModule = { type: 'ESModule'; path: string; contents: string };

/** Bundles a Worker (ES modules, the entry first) for workerd from `entry`, with the contract files available to it. */
export async function bundleWorker(entry: string): Promise<WorkerModule[]> {
  const output = (await build({
    configFile: false,
    root,
    logLevel: 'error', // not the bundler's timing notes in the test output
    plugins: [asWorkerd(), contractFiles(), lazyFakeTimers()],
    resolve: { conditions: ['workerd', 'worker', 'browser', 'import', 'default'] },
    define: { 'process.env.NODE_ENV': '"test"' },
    build: {
      write: false,
      minify: false,
      target: 'esnext',
      lib: { entry, formats: ['es'], fileName: 'worker' },
      rolldownOptions: { external: [/^cloudflare:/, /^node:/] },
    },
  })) as Rolldown.RolldownOutput[];
  const code = output[0]!.output.map((o) => (o.type === 'chunk' ? o.code : '')).join('');
  if (code.includes('function requireFakeTimersSrc') && !code.includes('requireFakeTimersSrc().withGlobal'))
    throw new Error('Vitest changed how it loads its fake timers: see lazyFakeTimers()');
  const chunks = output[0]!.output.filter((o) => o.type === 'chunk').sort((a, b) => Number(b.isEntry) - Number(a.isEntry));
  return chunks.map((c) => ({ type: 'ESModule', path: c.fileName, contents: c.code }));
}
