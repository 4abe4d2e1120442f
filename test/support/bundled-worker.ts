import { readFile } from 'node:fs/promises';
import { context, type BuildContext } from 'esbuild';
import type { Plugin } from 'vite';
// @ts-expect-error plain ESM helper shared with the build
import { sqliteWasm, workerBundle } from '../../scripts/worker-bundle.mjs';

const WORKER = '/src/worker/db.worker.ts';
const WASM = '/src/worker/sqlite3.wasm';

/**
 * Serves flowstore's database worker to the browser tests as the build bundles
 * it (one file, sqlite3.wasm beside it), rebuilt from src/ when a file changes.
 * The dev server would otherwise send the worker as some sixty separate modules
 * to every new worker, and a store opened per test spent most of its time there
 * (≈ 420 ms an open in Chromium, against ≈ 100 ms for the bundle).
 */
export function bundledWorker(): Plugin {
  let built: BuildContext | undefined;
  let code: Promise<Uint8Array> | undefined;
  const bundle = async () => {
    built ??= await context({ ...(workerBundle('bundled-worker.js', { minify: false }) as object), write: false });
    const result = await built.rebuild();
    return result.outputFiles![0]!.contents;
  };
  return {
    name: 'flowstore-bundled-worker',
    configureServer(server) {
      server.watcher.on('change', (file) => {
        if (file.includes('/src/')) code = undefined;
      });
      server.httpServer?.on('close', () => void built?.dispose());
      server.middlewares.use(async (req, res, next) => {
        const path = req.url?.split('?')[0];
        try {
          if (path === WORKER) {
            res.setHeader('Content-Type', 'text/javascript');
            res.end(await (code ??= bundle()));
          } else if (path === WASM) {
            res.setHeader('Content-Type', 'application/wasm');
            res.end(await readFile(sqliteWasm as string));
          } else next();
        } catch (err) {
          code = undefined;
          next(err);
        }
      });
    },
  };
}
