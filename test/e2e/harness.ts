import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { build, createServer, preview, type Plugin, type ViteDevServer } from 'vite';
// @ts-expect-error plain ESM helper shared with the test scripts
import { chromiumArgs, chromiumPath } from '../../scripts/browsers.mjs';

const demoRoot = fileURLToPath(new URL('../../demo', import.meta.url));
const configFile = join(demoRoot, 'vite.config.ts');

/** A running demo server and its base URL. */
export type Served = { url: string; close(): Promise<void> };

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `flowstore-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Serves demo/ with Vite's dev server on a free port. Its own dependency cache
 * keeps it apart from other Vite servers running on the machine.
 */
export async function serveDemo(cacheDir: string): Promise<Served> {
  const server = await createServer({
    root: demoRoot,
    configFile,
    cacheDir,
    logLevel: 'warn',
    clearScreen: false,
    server: { port: 0, host: '127.0.0.1' },
  });
  await server.listen();
  return { url: baseUrl(server.resolvedUrls?.local), close: () => server.close() };
}

/** Builds demo/ into `outDir` and serves it with `vite preview` on a free port. */
export async function serveBuiltDemo(outDir: string, cacheDir: string): Promise<Served> {
  await build({ root: demoRoot, configFile, cacheDir, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    root: demoRoot,
    configFile,
    cacheDir,
    logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  return {
    url: baseUrl(server.resolvedUrls?.local),
    close: () => new Promise<void>((resolve, reject) => server.httpServer.close((err) => (err ? reject(err) : resolve()))),
  };
}

function baseUrl(urls: string[] | undefined): string {
  const url = urls?.[0];
  if (!url) throw new Error('the demo server did not report a URL');
  return url;
}

/** Launches Chromium on a persistent profile (its OPFS lives in `profileDir` on disk). */
export function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: (chromiumPath as () => string | undefined)(),
    headless: true,
    args: chromiumArgs as string[],
    viewport: { width: 1360, height: 900 },
  });
}

/** The profile's first tab, or a new one. */
export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? context.newPage();
}

/** Opens the demo on database `db` and waits until its store is open on OPFS. */
export async function openDemo(page: Page, url: string, db: string): Promise<void> {
  await page.goto(`${url}?db=${encodeURIComponent(db)}`);
  await ready(page);
}

/** Waits for the page's store to be open on OPFS and every panel mounted. */
export async function ready(page: Page): Promise<void> {
  await page.locator('body[data-state="ready"], body[data-state="error"]').waitFor();
  const problem = await page.getByTestId('app-error').textContent();
  if ((await page.locator('body').getAttribute('data-state')) === 'error') throw new Error(`the demo failed to open: ${problem}`);
  await page.getByTestId('status-storage').filter({ hasText: 'storage: opfs' }).waitFor();
}

/** A database name no earlier run used. */
export function uniqueDb(label: string): string {
  return `e2e-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Serves test/e2e/pages (the small test pages) with Vite's dev server; it
 * sends no COOP/COEP headers. `entries` are the pages to pre-bundle for;
 * `plugins` may add endpoints the pages talk to.
 */
export async function servePages(cacheDir: string, entries?: string[], plugins: Plugin[] = []): Promise<ViteDevServer> {
  const server = await createServer({
    plugins,
    root: fileURLToPath(new URL('./pages', import.meta.url)),
    configFile: false,
    cacheDir,
    logLevel: 'warn',
    clearScreen: false,
    optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'], include: ['comlink'], ...(entries ? { entries } : {}) },
    worker: { format: 'es' },
    // No watcher and no HMR: an edit to src/ during a run must not reload the pages mid-test.
    server: { port: 0, host: '127.0.0.1', hmr: false, watch: null },
  });
  await server.listen();
  return server;
}
