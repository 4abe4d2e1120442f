import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
// @ts-expect-error plain ESM helper shared with the test scripts
import { chromiumArgs, chromiumPath, firefoxPath, webkitPath, xvfbPath } from './scripts/browsers.mjs';
import { bundledWorker } from './test/support/bundled-worker.js';
import { firefox, launchProvider, webkit, type Launcher } from './test/support/launch-provider.js';

const executablePath = (chromiumPath as () => string | undefined)();
const path = (find: unknown) => (find as () => string | undefined)() ?? 'missing';

/** The same browser tests in another engine, started by its own binary (see test/support/launch-provider.ts). */
const otherEngine = (launcher: Launcher) => ({
  extends: true as const,
  plugins: [bundledWorker()],
  test: {
    name: launcher.name,
    include: ['test/contract/**/*.test.ts', 'test/browser/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    browser: {
      enabled: true,
      headless: false,
      screenshotFailures: false,
      provider: launchProvider(launcher),
      instances: [{ browser: launcher.name }],
    },
  },
});

export default defineConfig({
  optimizeDeps: {
    exclude: ['@sqlite.org/sqlite-wasm'],
    include: ['comlink', 'idb-keyval', 'react', 'react-dom/client'],
  },
  worker: { format: 'es' },
  test: {
    projects: [
      {
        extends: true,
        plugins: [bundledWorker()],
        test: {
          name: 'chromium',
          include: ['test/contract/**/*.test.ts', 'test/browser/**/*.test.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath, args: chromiumArgs as string[] },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/contract/**/*.test.ts', 'test/engine/**/*.test.ts', 'test/client/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      otherEngine(firefox(path(firefoxPath))),
      otherEngine(webkit(path(webkitPath), path(xvfbPath))),
      {
        extends: true,
        test: {
          // Real processes on real files: Node 20 and 24, Deno, Bun (children run dist/, built by scripts/test.mjs).
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          testTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // The packed package in fixture apps: each bundler, Node, TypeScript (builds dist/ first: npm run build).
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          // Whole webpack builds and strict tsc runs: on a loaded 2-core machine one took over 60 s.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Playwright against the demo page: real reloads, browser restarts and tabs.
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
