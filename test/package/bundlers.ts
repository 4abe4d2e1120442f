// The recipes of the README, one per setup, each building the same page
// (test/package/app/main.js) into `<fixture>/out/`. Each returns the warnings
// its bundler printed: a recipe must build without any.
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, workDir } from './pack.js';

export type Fixture = { name: string; dir: string; out: string };

const page = (script: string, head = '') =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>flowstore fixture</title><link rel="icon" href="data:,">${head}</head>` +
  `<body><script type="module" src="${script}"></script></body></html>\n`;

/** A fixture folder with its own package.json (so 'flowstore' resolves to the unpacked tarball, never to this repository). */
export function makeFixture(name: string): Fixture {
  const dir = `${workDir}${name}/`;
  mkdirSync(`${dir}src`, { recursive: true });
  writeFileSync(`${dir}package.json`, JSON.stringify({ name: `fixture-${name}`, private: true, type: 'module' }));
  cpSync(`${repoRoot}test/package/app/main.js`, `${dir}src/main.js`);
  return { name, dir, out: `${dir}out/` };
}

/** Vite: nothing to configure. */
export async function buildVite(f: Fixture): Promise<string[]> {
  const { build } = await import('vite');
  writeFileSync(`${f.dir}index.html`, page('./src/main.js'));
  const warnings: string[] = [];
  await build({
    root: f.dir,
    configFile: false,
    logLevel: 'warn',
    customLogger: collect(warnings),
    build: { outDir: f.out, emptyOutDir: true },
  });
  return warnings;
}

/** webpack 5: nothing to configure (it bundles `new Worker(new URL(…))` and the wasm it points to). */
export async function buildWebpack(f: Fixture): Promise<string[]> {
  const { default: webpack } = await import('webpack');
  const compiler = webpack({
    mode: 'production',
    context: f.dir,
    entry: './src/main.js',
    output: { path: f.out, filename: 'main.js', clean: true },
    resolve: { modules: ['node_modules', `${repoRoot}node_modules`] },
    performance: { hints: false },
  });
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
    compiler.run((err, result) => (err || !result ? reject(err ?? new Error('no stats')) : compiler.close(() => resolve(result)))),
  );
  const info = stats.toJson({ all: false, errors: true, warnings: true });
  if (stats.hasErrors()) throw new Error(`webpack: ${JSON.stringify(info.errors)}`);
  writeFileSync(`${f.out}index.html`, page('./main.js'));
  return (info.warnings ?? []).map((w) => w.message);
}

/** esbuild: bundle as ESM, and copy flowstore's worker folder beside the bundle. */
export async function buildEsbuild(f: Fixture): Promise<string[]> {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: f.dir,
    entryPoints: ['src/main.js'],
    bundle: true,
    format: 'esm',
    minify: true,
    outdir: f.out,
    logLevel: 'silent',
  });
  copyWorker(f);
  writeFileSync(`${f.out}index.html`, page('./main.js'));
  return result.warnings.map((w) => w.text);
}

/** Rollup: node-resolve with the browser condition, and copy flowstore's worker folder beside the bundle. */
export async function buildRollup(f: Fixture): Promise<string[]> {
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const warnings: string[] = [];
  const bundle = await rollup({
    input: `${f.dir}src/main.js`,
    plugins: [nodeResolve({ browser: true, modulePaths: [`${repoRoot}node_modules`] })],
    onwarn: (w) => void warnings.push(w.message),
  });
  await bundle.write({ dir: f.out, format: 'es' });
  await bundle.close();
  copyWorker(f);
  writeFileSync(`${f.out}index.html`, page('./main.js'));
  return warnings;
}

/**
 * No bundler: the page's own module and the packages as published, in one
 * static folder (as a CDN serves them), with an import map for the two bare names.
 */
export async function buildStatic(f: Fixture): Promise<string[]> {
  mkdirSync(f.out, { recursive: true });
  cpSync(`${workDir}node_modules/flowstore`, `${f.out}flowstore`, { recursive: true });
  cpSync(`${repoRoot}node_modules/comlink/dist/esm`, `${f.out}comlink`, { recursive: true });
  cpSync(`${f.dir}src/main.js`, `${f.out}main.js`);
  const imports = { flowstore: './flowstore/dist/index.js', comlink: './comlink/comlink.mjs' };
  writeFileSync(`${f.out}index.html`, page('./main.js', `<script type="importmap">${JSON.stringify({ imports })}</script>`));
  return [];
}

function copyWorker(f: Fixture): void {
  cpSync(`${workDir}node_modules/flowstore/dist/worker`, `${f.out}worker`, { recursive: true, filter: (src) => !src.endsWith('.d.ts') });
}

function collect(into: string[]): import('vite').Logger {
  const logger = {
    hasWarned: false,
    info: () => {},
    warn: (msg: string) => void into.push(msg),
    warnOnce: (msg: string) => void into.push(msg),
    error: (msg: string) => void into.push(msg),
    clearScreen: () => {},
    hasErrorLogged: () => false,
  };
  return logger;
}

/** Bytes of the JavaScript and wasm a build wrote (what a deploy uploads), by file. */
export function emitted(out: string): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(m?js|wasm)$/.test(entry)) files.set(path.slice(out.length - 1), statSync(path).size);
    }
  };
  walk(out);
  return files;
}

export const readText = (path: string) => readFileSync(path, 'utf8');
