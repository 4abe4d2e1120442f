import type { BrowserContext, CDPSession, Page } from 'playwright';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPage, launch, tempDir, uniqueDb, servePages } from './harness.js';

// Chromium's own quota check, narrowed through the DevTools protocol. It must be
// a top-level page: Vitest's browser mode runs tests in a frame of another
// origin, where the override did not take effect. The quota is set before the
// store opens, because Chromium grants each OPFS access handle capacity (about
// 1 MB each, so ≈6 MB for the pool) when the handle is created; it leaves this
// much room above what the origin already stores.
const ROOM = 12 * 1024 * 1024;
/** Random hex, so IndexedDB's compression cannot make it fit. */
const TOO_BIG = 16 * 1024 * 1024;
const RUN = 'r';
const SMALL = 20;

/** The page's API (declared in pages/quota.ts). */
type Probe = Window['probe'];

describe('a full storage quota', () => {
  let cache: Awaited<ReturnType<typeof tempDir>>;
  let profile: Awaited<ReturnType<typeof tempDir>>;
  let server: ViteDevServer;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let origin: string;

  /** Calls window.probe[fn](...args) in the page. */
  function probe<K extends keyof Probe>(fn: K, ...args: Parameters<Probe[K]>): Promise<Awaited<ReturnType<Probe[K]>>> {
    return page.evaluate(([f, a]) => (window.probe[f] as (...x: unknown[]) => unknown)(...a), [fn, args] as const) as Promise<
      Awaited<ReturnType<Probe[K]>>
    >;
  }

  /** Limits the origin's quota to `bytes`, or lifts the limit. */
  async function setQuota(bytes?: number): Promise<void> {
    await cdp.send('Storage.overrideQuotaForOrigin', bytes === undefined ? { origin } : { origin, quotaSize: bytes });
  }

  beforeAll(async () => {
    cache = await tempDir('quota-cache');
    profile = await tempDir('quota-profile');
    server = await servePages(cache.path, ['quota.html']);
    const base = server.resolvedUrls?.local[0];
    if (!base) throw new Error('the page server did not report a URL');
    origin = new URL(base).origin;
    context = await launch(profile.path);
    page = await firstPage(context);
    cdp = await context.newCDPSession(page);
    await page.goto(new URL('quota.html', base).href);
    await page.waitForFunction(() => 'probe' in window);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await profile?.remove();
    await cache?.remove();
  });

  it.each(['opfs', 'idb'] as const)(
    'on %s: the write rejects with StorageFullError, earlier data stays readable, and writes work once there is space',
    async (storage) => {
      const db = uniqueDb(`full-${storage}`);
      await setQuota((await probe('usage')) + ROOM);
      try {
        expect(await probe('open', db, storage)).toBe(storage);
        expect((await probe('fill', RUN, SMALL)).ok).toBe(true);

        expect(await probe('putBig', RUN, 'big', TOO_BIG)).toMatchObject({
          ok: false,
          name: 'StorageFullError',
          code: 'STORAGE_FULL',
          message: expect.stringMatching(
            storage === 'opfs' ? /^OPFS refused to write .*quota or the disk is full/ : /quota or the disk is full/,
          ),
        });

        // Nothing of the refused write, all of what came before, and a sound file.
        const expectEarlierData = async () => {
          const keys = await probe('keys', RUN);
          expect(keys.ok && [...keys.value].sort()).toEqual(Array.from({ length: SMALL }, (_, i) => `n${i}`).sort());
          expect(await probe('get', RUN, 'n7')).toEqual({ ok: true, value: { i: 7 } });
          expect(await probe('integrity')).toEqual({ ok: true, value: [{ integrity_check: 'ok' }] });
        };
        await expectEarlierData();
        // Still full: the files on disk (or the saved image) hold the same, read by a new worker.
        await probe('close');
        expect(await probe('open', db, storage)).toBe(storage);
        await expectEarlierData();

        await setQuota();
        expect(await probe('put', RUN, 'after', 'space again')).toEqual({ ok: true });
        expect((await probe('putBig', RUN, 'big', TOO_BIG)).ok).toBe(true);
        await probe('close');
        expect(await probe('open', db, storage)).toBe(storage);
        expect(await probe('get', RUN, 'after')).toEqual({ ok: true, value: 'space again' });
        expect(await probe('keys', RUN)).toMatchObject({ ok: true, value: expect.arrayContaining(['after', 'big', 'n0']) });
        expect(await probe('integrity')).toEqual({ ok: true, value: [{ integrity_check: 'ok' }] });
      } finally {
        await setQuota();
        await probe('close');
      }
    },
  );

  it('opening a new database on OPFS with no room left rejects with StorageFullError', async () => {
    // Far less than the capacity the pool's access handles ask for.
    await setQuota((await probe('usage')) + 64 * 1024);
    try {
      await expect(probe('open', uniqueDb('full-open'), 'opfs')).rejects.toThrow(/StorageFullError: .*quota or the disk is full/);
    } finally {
      await setQuota();
    }
  });
});
