import type { BrowserCommand } from 'vitest/node';

type PlaywrightContext = { page: { url(): string; context(): { newCDPSession(page: unknown): Promise<{ send(method: string, params?: unknown): Promise<unknown>; detach(): Promise<void> }> } } };

/**
 * Server-side commands for browser tests. `setQuota` limits (or, with no size,
 * restores) the storage quota of an origin through the DevTools
 * protocol, so storage-full paths run against Chromium's real quota checks.
 */
export const setQuota: BrowserCommand<[origin: string, quotaSize?: number]> = async (ctx, origin, quotaSize) => {
  const page = (ctx as unknown as PlaywrightContext).page;
  const session = await page.context().newCDPSession(page);
  try {
    await session.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize });
  } finally {
    await session.detach();
  }
};

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** `origin`: the test frame's own (it differs from the orchestrator page's). */
    setQuota: (origin: string, quotaSize?: number) => Promise<void>;
  }
}
