// The package as a user installs it: `npm pack`, unpacked once into .work/node_modules,
// then small apps built by each bundler and run in headless Chromium, a Node script
// imported and required, and TypeScript under each module resolution.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildEsbuild, buildRollup, buildStatic, buildVite, buildWebpack, emitted, makeFixture, type Fixture } from './bundlers.js';
import { launchChromium, visitTwice, type PageRun, type Visit } from './chromium.js';
import { packAndUnpack, repoRoot, workDir } from './pack.js';
import { serveFolder } from './serve.js';

let browser: Browser;
/** Per setup: the bytes of JavaScript and wasm the build wrote, and those the page fetched. */
const bytes: { setup: string; emitted: number; fetched: number; files: string }[] = [];

beforeAll(async () => {
  packAndUnpack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (bytes.length > 0)
    console.log(`bytes (JS + wasm)\n${bytes.map((b) => `${b.setup}\temitted ${b.emitted}\tfetched ${b.fetched}\t${b.files}`).join('\n')}`);
});

/** Builds, serves and visits a fixture; returns what the page did. */
async function buildAndVisit(name: string, build: (f: Fixture) => Promise<string[]>): Promise<PageRun & { warnings: string[] }> {
  const fixture = makeFixture(name);
  const warnings = await build(fixture);
  const server = await serveFolder(fixture.out);
  try {
    const run = await visitTwice(browser, server.url);
    const out = emitted(fixture.out);
    const fetched = [...server.fetched].filter(([path]) => /\.(m?js|wasm)$/.test(path));
    bytes.push({
      setup: name,
      emitted: sum(out.values()),
      fetched: sum(fetched.map(([, size]) => size)),
      files: [...out.keys()].map((f) => (server.fetched.has(f) ? f : `${f} (never fetched)`)).join(' '),
    });
    return { ...run, warnings };
  } finally {
    await server.close();
  }
}

const sum = (sizes: Iterable<number>) => [...sizes].reduce((a, b) => a + b, 0);

/** Written, reloaded, read back, on OPFS, with nothing said in the console. */
function expectDurablePage(run: PageRun & { warnings: string[] }) {
  expect(run.warnings).toEqual([]);
  expect(run.first).toEqual({ storage: 'opfs', before: null });
  expect(run.second).toEqual({ storage: 'opfs', before: 1 });
  expect(run.messages).toEqual([]);
}

describe('in a browser bundle', () => {
  test.each([
    ['vite', buildVite],
    ['webpack', buildWebpack],
    ['esbuild', buildEsbuild],
    ['rollup', buildRollup],
  ] as const)(
    '%s builds the page without warnings; it writes, reloads and reads back on OPFS, fetching every file it was given',
    async (name, build) => {
      const run = await buildAndVisit(name, build);
      expectDurablePage(run);
      expect(bytes.at(-1)!.files).not.toContain('never fetched');
    },
  );

  test('a static folder with an import map runs the published files as they are', async () => {
    expectDurablePage(await buildAndVisit('static', buildStatic));
  });

  test('the Vite dev server serves the page with no warning, sourcemaps included', async () => {
    const { createServer } = await import('vite');
    const fixture = makeFixture('vite-dev');
    writeFileSync(
      `${fixture.dir}index.html`,
      '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./src/main.js"></script>\n',
    );
    const warnings: string[] = [];
    const server = await createServer({
      root: fixture.dir,
      configFile: false,
      logLevel: 'warn',
      customLogger: {
        hasWarned: false,
        info: () => {},
        warn: (m) => void warnings.push(m),
        warnOnce: (m) => void warnings.push(m),
        error: (m) => void warnings.push(m),
        clearScreen: () => {},
        hasErrorLogged: () => false,
      },
      // Only because this fixture's dependencies live in the repository's node_modules, above its root.
      server: { host: '127.0.0.1', port: 0, fs: { allow: [repoRoot] } },
    });
    await server.listen();
    try {
      const run = await visitTwice(browser, server.resolvedUrls!.local[0]!);
      expectDurablePage({ ...run, warnings });
    } finally {
      await server.close();
    }
  });

  test('a worker that cannot be loaded rejects openStore with the URL it tried and what to do; workerUrl finds it elsewhere', async () => {
    const fixture = makeFixture('moved-worker');
    await buildEsbuild(fixture);
    renameSync(`${fixture.out}worker`, `${fixture.out}elsewhere`);
    const server = await serveFolder(fixture.out);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const visit = async (query: string) => {
        await page.goto(`${server.url}${query}`);
        await page.waitForFunction(() => (globalThis as { __fixture?: unknown }).__fixture !== undefined);
        return page.evaluate(() => (globalThis as unknown as { __fixture: Visit }).__fixture);
      };
      const { error } = await visit('');
      expect(error).toContain(`StorageError: flowstore's database worker did not load from ${server.url}worker/db.worker.js`);
      expect(error).toContain('copy node_modules/flowstore/dist/worker/');
      expect(error).toContain('workerUrl');
      expect(await visit('?workerUrl=/elsewhere/db.worker.js')).toEqual({ storage: 'opfs', before: null });
    } finally {
      await context.close();
      await server.close();
    }
  });
});

describe('on Node', () => {
  const node = (file: string, dbFile: string) =>
    execFileSync(process.execPath, [file, dbFile], { cwd: `${workDir}node`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  test('import and require() both open a SQLite file and keep what was written', () => {
    mkdirSync(`${workDir}node`, { recursive: true });
    writeFileSync(`${workDir}node/package.json`, JSON.stringify({ name: 'fixture-node', private: true }));
    cpSync(`${repoRoot}test/package/consumers/esm.mjs`, `${workDir}node/esm.mjs`);
    cpSync(`${repoRoot}test/package/consumers/require.cjs`, `${workDir}node/require.cjs`);
    const dir = mkdtempSync(`${tmpdir()}/flowstore-package-`);
    expect(node('esm.mjs', `${dir}/a.sqlite3`)).toBe('file 0');
    expect(node('esm.mjs', `${dir}/a.sqlite3`)).toBe('file 1');
    expect(node('require.cjs', `${dir}/a.sqlite3`)).toBe('file 2 function');
  });
});

describe('in TypeScript', () => {
  const modes = {
    // A browser app: DOM, but no @types/node (the Node ones below have @types/node and no DOM).
    bundler: { module: 'esnext', moduleResolution: 'bundler', types: [], lib: ['es2022', 'dom'] },
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] },
    node: { module: 'commonjs', moduleResolution: 'node', types: ['node'] },
  };
  // Concurrent: each is one tsc process, most of its time spent reading declarations.
  test.concurrent.each(Object.keys(modes))(
    'strict, skipLibCheck false, moduleResolution %s (Node ones with lib ES2022 and no DOM): an interface row type and every entry compile',
    async (mode) => {
      const dir = `${workDir}types-${mode}/`;
      mkdirSync(dir, { recursive: true });
      cpSync(`${repoRoot}test/package/consumers/consumer.ts`, `${dir}consumer.ts`);
      writeFileSync(
        `${dir}package.json`,
        JSON.stringify({ name: `fixture-types-${mode}`, private: true, ...(mode === 'nodenext' && { type: 'module' }) }),
      );
      const compilerOptions = {
        target: 'es2022',
        lib: ['es2022'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        ...modes[mode as keyof typeof modes],
      };
      writeFileSync(`${dir}tsconfig.json`, JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      const result = await new Promise<{ output: string; code: number | null }>((resolve) => {
        const child = spawn(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, '-p', dir]);
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d));
        child.stderr.on('data', (d: Buffer) => (output += d));
        child.on('close', (code) => resolve({ output, code }));
      });
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    },
  );
});
