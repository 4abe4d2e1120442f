// Shared by the bench drivers: a Vite server for the bench pages and Chromium
// on a fresh on-disk profile (Vitest's incognito context keeps OPFS in memory).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { createServer, preview } from 'vite';
import { chromiumArgs, chromiumPath, howToGetChromium } from '../scripts/browsers.mjs';

/** The repository root: bench pages are served from it so they can import ../src. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** Vite settings shared by the dev server and the builds (see RECIPES: wasm URL, mid-run reloads). */
export const viteBase = {
  configFile: false,
  logLevel: 'warn',
  optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm', '@electric-sql/pglite'], include: ['comlink', 'idb-keyval', 'dexie'] },
  worker: { format: 'es' },
};

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts Vite's dev server on 127.0.0.1 for `entries` (no COOP/COEP headers); returns its origin and a stop function. */
export async function serveDev(entries) {
  const port = await freePort();
  const server = await createServer({
    ...viteBase,
    root,
    optimizeDeps: { ...viteBase.optimizeDeps, entries },
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  });
  await server.listen();
  return { origin: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/**
 * Serves a finished `vite build` output directory with `vite preview`;
 * `onRequest(path)` sees every request, workers' included.
 */
export async function servePreview(outDir, onRequest = () => {}) {
  const port = await freePort();
  const server = await preview({
    ...viteBase,
    root,
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true },
    plugins: [
      {
        name: 'bench-request-log',
        configurePreviewServer(srv) {
          srv.middlewares.use((req, _res, next) => {
            onRequest(new URL(req.url ?? '/', 'http://x').pathname);
            next();
          });
        },
      },
    ],
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** Launches headless Chromium on a new on-disk profile; `close()` also deletes the profile. */
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'flowstore-bench-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: chromiumArgs,
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    console.error(howToGetChromium);
    throw err;
  }
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new tab of `context`, echoing the page's errors, and waits for `window[global]`. */
export async function openPage(context, url, global = 'bench') {
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  page.on('console', (msg) => {
    // The browser asks every origin for /favicon.ico; the bench pages have none.
    if (msg.location().url.endsWith('/favicon.ico')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') console.error(`[page ${msg.type()}] ${msg.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction((g) => g in window, global, { timeout: 60_000 });
  return page;
}
