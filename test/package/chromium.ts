import { chromium, type Browser } from 'playwright';
// @ts-expect-error plain ESM helper shared with the test scripts
import { chromiumArgs, chromiumPath } from '../../scripts/browsers.mjs';

export type Visit = { storage?: string; before?: number | null; error?: string };

/** What a page did: its two visits (first load, then reload) and every console warning or error, page and worker alike. */
export type PageRun = { first: Visit; second: Visit; messages: string[] };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: (chromiumPath as () => string | undefined)(), args: chromiumArgs as string[], headless: true });
}

/** Opens `url` in a fresh context (its own OPFS), waits for the fixture's report, reloads, waits again. */
export async function visitTwice(browser: Browser, url: string): Promise<PageRun> {
  const context = await browser.newContext();
  const messages: string[] = [];
  const listen = (where: string) => (msg: { type(): string; text(): string }) => {
    if (msg.type() === 'warning' || msg.type() === 'error') messages.push(`${where} ${msg.type()}: ${msg.text()}`);
  };
  try {
    const page = await context.newPage();
    page.on('console', listen('page'));
    page.on('pageerror', (err) => messages.push(`page error: ${err.message}`));
    page.on('worker', (worker) => worker.on('console', listen('worker')));
    const report = async () => {
      await page.waitForFunction(() => (globalThis as { __fixture?: unknown }).__fixture !== undefined, undefined, { timeout: 45_000 });
      return page.evaluate(() => (globalThis as unknown as { __fixture: Visit }).__fixture);
    };
    await page.goto(url);
    const first = await report();
    await page.reload();
    const second = await report();
    return { first, second, messages };
  } finally {
    await context.close();
  }
}
