import type { BrowserContext, Page } from 'playwright';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, tempDir, uniqueDb, servePages } from './harness.js';
import type { PageReport, SeenFrame, WriteRecord } from './pages/multitab.js';

const PAGES = 4;
const WRITES = 250;
/** How many pairs (one output, one frame) each page keeps in flight. */
const WINDOW = 4;
/** Where the pages stop writing until the test lets them go on: half way, and three quarters. */
const GATES = [WRITES / 2, (WRITES * 3) / 4] as const;
/** No promise of a surviving page may stay pending longer than this (leaderTimeoutMs is 10 s). */
const SETTLE_BOUND_MS = 20_000;
const RUN = 'mt';
const STREAM = 'shared';

type Ending = 'closed' | 'crashed' | 'frozen';
type Resolved = { label: string; kind: WriteRecord['kind']; i: number; seq: number | undefined };

async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  const response = await page.goto(url);
  expect(response?.ok()).toBe(true);
  const headers = response?.headers() ?? {};
  expect(headers).not.toHaveProperty('cross-origin-opener-policy');
  expect(headers).not.toHaveProperty('cross-origin-embedder-policy');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  return page;
}

const report = (page: Page): Promise<PageReport> => page.evaluate(() => window.mt.report());
const settled = (page: Page, n: number, timeout = SETTLE_BOUND_MS) =>
  page.waitForFunction((atLeast) => window.mt.settled() >= atLeast, n, { polling: 10, timeout });
const release = (page: Page) => page.evaluate(() => window.mt.release());

function startWrites(page: Page, label: string, count: number, gates: readonly number[]): Promise<void> {
  return page.evaluate(([run, stream, l, n, width, g]) => window.mt.startWrites(run, stream, l, n, width, [...g]), [
    RUN,
    STREAM,
    label,
    count,
    WINDOW,
    gates,
  ] as const);
}

/** Ends the leader's page the way `ending` says; resolves once the page is gone. */
async function endLeader(page: Page, ending: 'closed' | 'crashed'): Promise<void> {
  if (ending === 'closed') {
    // The way a user closes a tab: beforeunload, pagehide and unload run.
    await page.close({ runBeforeUnload: true });
    await page.waitForEvent('close');
    return;
  }
  // Kill the renderer: no pagehide, no clean close, the worker dies with it.
  const crashed = page.waitForEvent('crash');
  const cdp = await page.context().newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {});
  await crashed;
  await page.close({ runBeforeUnload: false });
}

/** Every write of the page settled, none later than the bound, and only a TimeoutError may reject one. */
function expectAllSettled(r: PageReport, count: number): void {
  expect(r.writesDone).toBe(true);
  expect(r.writes).toHaveLength(2 * count);
  for (const w of r.writes) {
    expect(w.state).not.toBe('pending');
    expect(w.settledAt! - w.startedAt).toBeLessThanOrEqual(SETTLE_BOUND_MS);
    if (w.state === 'rejected') expect(w.error).toMatch(/^TimeoutError/);
  }
}

function resolvedOf(label: string, r: PageReport): Resolved[] {
  return r.writes.filter((w) => w.state === 'resolved').map((w) => ({ label, kind: w.kind, i: w.i, seq: w.seq }));
}

/**
 * Closes the stream, then checks the database through `reader`: every
 * resolved write is there exactly once, and every follower's follow saw
 * exactly the stream's frames, in seq order. A write rejected with
 * TimeoutError may have reached a leader that committed it and went away
 * before answering, so it may be there, but never twice: every write, resolved
 * or not, is there at most once.
 */
async function expectExactlyOnce(reader: Page, followers: Page[], resolved: Resolved[]): Promise<void> {
  await reader.evaluate((stream) => window.mt.closeStream(stream), STREAM);
  for (const page of followers) {
    await page.waitForFunction(() => window.mt.report().follow.done, undefined, { polling: 50, timeout: SETTLE_BOUND_MS });
  }
  const frames: SeenFrame[] = await reader.evaluate((stream) => window.mt.frames(stream), STREAM);
  const keys: string[] = await reader.evaluate((run) => window.mt.keys(run), RUN);

  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, k) => k + 1));
  const frameIds = frames.map((f) => `${f.page}-${f.i}`);
  expect(new Set(frameIds).size).toBe(frameIds.length);
  expect(new Set(keys).size).toBe(keys.length);

  // An append resolves with its frame's seq, also when it was answered from a retry.
  const bySeq = new Map(frames.map((f) => [f.seq, `${f.page}-${f.i}`]));
  const keySet = new Set(keys);
  expect(resolved.length).toBeGreaterThan(0);
  for (const w of resolved) {
    const id = `${w.label}-${w.i}`;
    if (w.kind === 'output') expect(keySet.has(id), `output ${id}`).toBe(true);
    else expect(bySeq.get(w.seq!), `frame ${id}`).toBe(id);
  }

  for (const page of followers) {
    const seen = (await report(page)).follow;
    expect(seen.error).toBeUndefined();
    expect(seen.frames).toEqual(frames);
  }
  expect(await reader.evaluate(() => window.mt.integrity())).toEqual([{ integrity_check: 'ok' }]);
}

/** From the leader's end to the first write a surviving page saw resolve after the new leader took over. */
function handOverMs(reports: PageReport[], endedAt: number): number {
  const promotedAt = Math.min(...reports.flatMap((r) => r.roleChanges.filter((c) => c.role === 'leader').map((c) => c.at)));
  const served = reports.flatMap((r) => r.writes).filter((w) => w.state === 'resolved' && w.settledAt! >= promotedAt);
  return Math.min(...served.map((w) => w.settledAt!)) - endedAt;
}

describe('many tabs, one database', () => {
  let cache: Awaited<ReturnType<typeof tempDir>>;
  let profile: Awaited<ReturnType<typeof tempDir>>;
  let server: ViteDevServer;
  let context: BrowserContext;
  let url: string;
  const handOvers: Partial<Record<Ending, number>> = {};

  beforeAll(async () => {
    cache = await tempDir('vite-cache');
    profile = await tempDir('profile');
    server = await servePages(cache.path);
    url = new URL('multitab.html', server.resolvedUrls!.local[0]).href;
    context = await launch(profile.path);
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
    await profile?.remove();
    await cache?.remove();
    console.info(`hand-over, leader's end -> first call served by the new leader (ms): ${JSON.stringify(handOvers)}`);
  });

  async function openAll(db: string, count: number): Promise<Page[]> {
    const pages: Page[] = [];
    for (let p = 0; p < count; p++) pages.push(await openPage(context, url));
    expect(await pages[0]!.evaluate((name) => window.mt.open(name), db)).toBe('leader');
    for (const page of pages.slice(1)) expect(await page.evaluate((name) => window.mt.open(name), db)).toBe('follower');
    return pages;
  }

  it.each<'closed' | 'crashed'>(['closed', 'crashed'])('loses and doubles nothing when the leader tab is %s mid-stream', async (ending) => {
    const pages = await openAll(uniqueDb(`multitab-${ending}`), PAGES);
    const [leader, ...survivors] = pages as [Page, ...Page[]];

    // What the leader's page saw resolve, reported as it happens: the page will not be there to ask.
    const leaderResolved: Resolved[] = [];
    await leader.exposeFunction('reportResolved', (kind: Resolved['kind'], i: number, seq: number | undefined) => {
      leaderResolved.push({ label: 'p0', kind, i, seq });
    });
    await Promise.all(pages.map((page) => page.evaluate((stream) => window.mt.startFollow(stream), STREAM)));
    await Promise.all(pages.map((page, p) => startWrites(page, `p${p}`, WRITES, GATES)));

    // Half of every page's writes are done; the third quarter is on its way while the leader goes away.
    await Promise.all(pages.map((page) => settled(page, 2 * GATES[0])));
    await Promise.all(pages.map(release));
    const endedAt = Date.now();
    await endLeader(leader, ending);
    // The last quarter starts once the leader is gone, so the new leader is sure to serve calls.
    await Promise.all(survivors.map((page) => settled(page, 2 * GATES[1])));
    await Promise.all(survivors.map(release));
    await Promise.all(survivors.map((page) => settled(page, 2 * WRITES, SETTLE_BOUND_MS + 10_000)));

    const reports = await Promise.all(survivors.map(report));
    reports.forEach((r) => expectAllSettled(r, WRITES));
    expect(reports.filter((r) => r.role === 'leader')).toHaveLength(1);
    handOvers[ending] = handOverMs(reports, endedAt);

    const resolved = [...leaderResolved, ...reports.flatMap((r, s) => resolvedOf(`p${s + 1}`, r))];
    await expectExactlyOnce(survivors[0]!, survivors, resolved);
    await Promise.all(survivors.map((page) => page.close()));
  });

  it('moves the database away from a frozen leader tab, which rejoins as a follower when resumed', async () => {
    const count = 40;
    const gates = [count / 2];
    const pages = await openAll(uniqueDb('multitab-frozen'), 3);
    const [leader, ...others] = pages as [Page, ...Page[]];
    await Promise.all(others.map((page) => page.evaluate((stream) => window.mt.startFollow(stream), STREAM)));
    await Promise.all(pages.map((page, p) => startWrites(page, `p${p}`, count, gates)));
    await Promise.all(pages.map((page) => settled(page, 2 * gates[0]!)));

    // A write is on its way as the leader freezes; then the page really stops running.
    const cdp = await context.newCDPSession(leader);
    await leader.evaluate((run) => {
      window.mt.startPut(run, 'as-it-froze');
      window.mt.lifecycle('freeze');
    }, RUN);
    const endedAt = Date.now();
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });

    // The others finish their writes while the old leader is frozen: one of them took over.
    await Promise.all(others.map(release));
    await Promise.all(others.map((page) => settled(page, 2 * count)));
    const reports = await Promise.all(others.map(report));
    reports.forEach((r) => expectAllSettled(r, count));
    expect(reports.filter((r) => r.role === 'leader')).toHaveLength(1);
    handOvers.frozen = handOverMs(reports, endedAt);

    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await leader.evaluate(() => window.mt.lifecycle('resume'));
    expect(await leader.evaluate(() => window.mt.outcome('as-it-froze'))).toBe('ok');
    // Back as a follower: it reads every frame from the start and writes the rest of its share.
    await leader.evaluate((stream) => window.mt.startFollow(stream), STREAM);
    await release(leader);
    await settled(leader, 2 * count);
    const resumed = await report(leader);
    expect(resumed.role).toBe('follower');
    expect(resumed.roleChanges.map((c) => c.role)).toEqual(['follower']);
    expectAllSettled(resumed, count);

    const resolved = [...resolvedOf('p0', resumed), ...reports.flatMap((r, s) => resolvedOf(`p${s + 1}`, r))];
    await expectExactlyOnce(others[0]!, pages, resolved);
    expect(await others[0]!.evaluate((run) => window.mt.keys(run), RUN)).toContain('as-it-froze');
    await Promise.all(pages.map((page) => page.close()));
  });
});
