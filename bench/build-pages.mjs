// Production builds for the bench: the smallest flowstore page (bytes) and the cold-open page.
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { root, viteBase } from './browser.mjs';

/** `vite build` of bench/<page>/index.html into a new temp dir; returns that dir. */
export async function buildPage(page) {
  const outDir = await mkdtemp(join(tmpdir(), `flowstore-bench-${page}-`));
  await build({
    ...viteBase,
    root: join(root, 'bench', page),
    base: './',
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return outDir;
}

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Raw and gzip bytes of the js and wasm a built page downloads, per file and in total. */
export async function measureBytes(outDir) {
  const files = [];
  for (const path of await filesUnder(outDir)) {
    const ext = extname(path);
    if (!['.js', '.mjs', '.wasm'].includes(ext)) continue;
    const body = await readFile(path);
    files.push({
      file: relative(outDir, path),
      kind: ext === '.wasm' ? 'wasm' : 'js',
      raw: (await stat(path)).size,
      gzip: gzipSync(body).length,
    });
  }
  const sum = (kind) => {
    const of = files.filter((f) => kind === 'total' || f.kind === kind);
    return { raw: of.reduce((n, f) => n + f.raw, 0), gzip: of.reduce((n, f) => n + f.gzip, 0) };
  };
  return { files, js: sum('js'), wasm: sum('wasm'), total: sum('total') };
}
