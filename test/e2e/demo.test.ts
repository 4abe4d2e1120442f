import { mkdir, readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstPage, launch, openDemo, ready, serveBuiltDemo, serveDemo, tempDir, uniqueDb, type Served } from './harness.js';

const SCREENSHOT = 'artifacts/demo.png';

/** Everything the durability test writes through the UI, and reads back after each restart. */
const written = {
  run: 'run-e2e',
  node: 'fetch',
  output: '{"rows":42}',
  globalKey: 'theme',
  globalValue: 'dark',
  task: 'task-e2e',
  event: 'planned the work',
  row: 'Ship the demo',
  frames: ['compiling', 'linking'],
  summary: '{"progress": 60}',
};

async function writeEverything(page: Page): Promise<void> {
  await page.getByTestId('output-run').fill(written.run);
  await page.getByTestId('output-node').fill(written.node);
  await page.getByTestId('output-value').fill(written.output);
  await page.getByTestId('output-put').click();
  await page
    .getByTestId('output-result')
    .filter({ hasText: `Stored ${written.run} / ${written.node}` })
    .waitFor();

  // A second put of the same pair is refused, and the user sees why.
  await page.getByTestId('output-value').fill('"overwrite?"');
  await page.getByTestId('output-put').click();
  await page.getByTestId('output-error').filter({ hasText: 'AlreadyExistsError · ALREADY_EXISTS' }).waitFor();

  await page.getByTestId('global-key').fill(written.globalKey);
  await page.getByTestId('global-value').fill(written.globalValue);
  await page.getByTestId('global-put').click();
  await page.getByTestId('global-result').filter({ hasText: 'Stored' }).waitFor();

  await page.getByTestId('record-task').fill(written.task);
  await page.getByTestId('record-event').fill(written.event);
  await page.getByTestId('record-append').click();
  await page.getByTestId('record-item').filter({ hasText: written.event }).waitFor();

  await page.getByTestId('task-title').fill(written.row);
  await page.getByTestId('task-tags').fill('demo, e2e');
  await page.getByTestId('task-create').click();
  await page.getByTestId('task-row').filter({ hasText: written.row }).waitFor();

  for (const frame of written.frames) {
    await page.getByTestId('stream-data').fill(frame);
    await page.getByTestId('stream-append').click();
    await page.getByTestId('stream-frame').filter({ hasText: frame }).waitFor();
  }
  await page.getByTestId('stream-mode-summary').check();
  await page.getByTestId('stream-data').fill(written.summary);
  await page.getByTestId('stream-append').click();
  await page.getByTestId('stream-summary').filter({ hasText: '"progress": 60' }).waitFor();
}

/** Waits until every panel shows what {@link writeEverything} wrote. */
async function expectEverything(page: Page): Promise<void> {
  // The run and task fields start at their defaults after a reload: point them at what was written.
  await page.getByTestId('output-run').fill(written.run);
  await page.getByTestId('record-task').fill(written.task);
  await page.getByTestId('global-key').fill(written.globalKey);
  await page.getByTestId('output-item').filter({ hasText: written.node }).filter({ hasText: written.output }).waitFor();
  await page
    .getByTestId('global-current')
    .filter({ hasText: `"${written.globalValue}"` })
    .waitFor();
  await page.getByTestId('record-item').filter({ hasText: written.event }).waitFor();
  await page.getByTestId('task-row').filter({ hasText: written.row }).waitFor();
  for (const frame of written.frames) await page.getByTestId('stream-frame').filter({ hasText: frame }).waitFor();
  await page.getByTestId('stream-summary').filter({ hasText: '"progress": 60' }).waitFor();
  expect(await page.getByTestId('output-item').count()).toBe(1);
  expect(await page.getByTestId('record-item').count()).toBe(1);
  // Two durable frames and the summary frame; a best-effort frame may also still be live.
  expect(await page.locator('[data-testid="stream-frame"]:not([data-mode="best-effort"])').count()).toBe(3);
}

/** Waits until every panel has loaded and shows an empty database. */
async function expectEmpty(page: Page): Promise<void> {
  await page.getByTestId('output-run').fill(written.run);
  await page.getByTestId('record-task').fill(written.task);
  await page.getByTestId('output-list').filter({ hasText: 'No outputs in this run yet.' }).waitFor();
  await page.getByTestId('global-current').filter({ hasText: '(not set)' }).waitFor();
  await page.getByTestId('record-list').filter({ hasText: 'No records for this attempt yet.' }).waitFor();
  await page.getByTestId('task-count').filter({ hasText: '0 rows' }).waitFor();
  await page.locator('[data-testid="stream-tail"][data-loaded="true"]').waitFor();
  await page.locator('[data-testid="stream-summary"][data-loaded="true"]').waitFor();
  expect(await page.getByTestId('stream-frame').count()).toBe(0);
  expect(await page.getByTestId('stream-summary').textContent()).toBe('no summary frames yet');
}

describe('demo, end to end in Chromium', () => {
  let cache: Awaited<ReturnType<typeof tempDir>>;
  let dev: Served;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    cache = await tempDir('vite-cache');
    dev = await serveDemo(cache.path);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await dev?.close();
    await cache?.remove();
  });

  async function profile(): Promise<string> {
    const dir = await tempDir('profile');
    cleanups.push(dir.remove);
    return dir.path;
  }

  async function browser(profileDir: string): Promise<BrowserContext> {
    const context = await launch(profileDir);
    cleanups.push(() => context.close());
    return context;
  }

  it('keeps what was written through the UI across a reload and a browser restart; a fresh profile is empty', async () => {
    const db = uniqueDb('durable');
    const profileDir = await profile();

    const first = await browser(profileDir);
    const page = await firstPage(first);
    await openDemo(page, dev.url, db);
    await expect(page.getByTestId('status-db').textContent()).resolves.toBe(`db: ${db}`);
    await writeEverything(page);

    await page.reload();
    await ready(page);
    await expectEverything(page);

    // The export is a real SQLite file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-db').click()]);
    expect(download.suggestedFilename()).toBe(`${db}.sqlite3`);
    const image = await readFile(await download.path());
    expect(image.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');

    // Table: a second row, a merge edit by id prefix, a filtered list, a prefix lookup and the saved query.
    await page.getByTestId('task-title').fill('Write the release notes');
    await page.getByTestId('task-status').selectOption('done');
    await page.getByTestId('task-create').click();
    await page.getByTestId('task-row').filter({ hasText: 'Write the release notes' }).waitFor();
    const id = await page.getByTestId('task-row').filter({ hasText: written.row }).getAttribute('data-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The row's Markdown file, as the panel reads it from OPFS, written before the reload.
    const file = page.locator(`[data-testid="dump-file"][data-name="${id}.md"] [data-testid="dump-file-text"]`);
    await file.waitFor({ state: 'attached' });
    expect(await file.textContent()).toMatch(
      new RegExp(`^# ${written.row}\n\n---\n\n- priority: 2\n- status: "todo"\n- tags: \\["demo","e2e"\\]\n- id: ${id}\n`),
    );
    await page.getByTestId('task-edit-id').fill(id!.slice(0, 8));
    await page.getByTestId('task-edit-patch').fill('{"status": "doing", "priority": 1}');
    await page.getByTestId('task-update').click();
    // Merge keeps the fields the patch leaves out (the title).
    await page.getByTestId('task-edit-result').filter({ hasText: '"status":"doing"' }).filter({ hasText: written.row }).waitFor();
    await page
      .locator(`[data-testid="dump-file"][data-name="${id}.md"]`)
      .filter({ hasText: '- status: "doing"' })
      .waitFor({ state: 'attached' });
    expect(await page.getByTestId('dump-count').textContent()).toBe('2 files');
    await page.getByTestId('task-filter-status').selectOption('doing');
    await page
      .getByTestId('task-count')
      .filter({ hasText: /^1 row$/ })
      .waitFor();
    expect(await page.getByTestId('task-row').count()).toBe(1);
    await page.getByTestId('task-filter-status').selectOption('');
    await page
      .getByTestId('task-count')
      .filter({ hasText: /^2 rows$/ })
      .waitFor();
    await page.getByTestId('task-lookup-prefix').fill(id!.slice(0, 6));
    await page.getByTestId('task-lookup').click();
    await page.getByTestId('task-lookup-result').filter({ hasText: id! }).waitFor();
    await page.getByTestId('task-alias-status').selectOption('doing');
    await page.getByTestId('task-alias-run').click();
    await page.getByTestId('task-alias-item').filter({ hasText: written.row }).waitFor();
    expect(await page.getByTestId('task-alias-item').count()).toBe(1);

    // Fill the screen for the reviewer's screenshot: the write-once error, a bulk write, a best-effort frame.
    await page.getByTestId('output-value').fill('"again"');
    await page.getByTestId('output-put').click();
    await page.getByTestId('output-error').filter({ hasText: 'already written' }).waitFor();
    await page.getByTestId('bulk-write').click();
    await page.getByTestId('bulk-status').filter({ hasText: 'done in' }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('bulk-count').textContent()).resolves.toBe('10,000 / 10,000');
    await page.getByTestId('bulk-show').click();
    await page.getByTestId('output-list').filter({ hasText: 'and 9,980 earlier outputs' }).waitFor();
    await page.getByTestId('output-run').fill(written.run);
    await page.getByTestId('output-item').filter({ hasText: written.node }).waitFor();
    await page.getByTestId('stream-mode-best-effort').check();
    await page.getByTestId('stream-kind').fill('heartbeat');
    await page.getByTestId('stream-data').fill('{"cpu": 0.42}');
    await page.getByTestId('stream-append').click();
    await page.getByTestId('stream-frame').filter({ hasText: 'heartbeat' }).waitFor();
    await mkdir('artifacts', { recursive: true });
    // Back to the top, so the sticky header is drawn where it belongs in a full-page shot.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await first.close();

    const relaunched = await browser(profileDir);
    const again = await firstPage(relaunched);
    await openDemo(again, dev.url, db);
    await expectEverything(again);
    await relaunched.close();

    const fresh = await browser(await profile());
    const empty = await firstPage(fresh);
    await openDemo(empty, dev.url, db);
    await expectEmpty(empty);
  });

  it("shows a frame appended in one tab in the other tab's live tail", async () => {
    const db = uniqueDb('tabs');
    const context = await browser(await profile());
    const a = await firstPage(context);
    await openDemo(a, dev.url, db);
    const b = await context.newPage();
    await openDemo(b, dev.url, db);
    await a.getByTestId('status-role').filter({ hasText: 'role: leader' }).waitFor();
    await b.getByTestId('status-role').filter({ hasText: 'role: follower' }).waitFor();
    await b.locator('[data-testid="stream-tail"][data-loaded="true"]').waitFor();

    await a.getByTestId('stream-data').fill('hello from tab A');
    await a.getByTestId('stream-append').click();
    await b.getByTestId('stream-frame').filter({ hasText: 'hello from tab A' }).waitFor();

    // And the other way round: the follower's append goes through the leader and back to both tails.
    await b.getByTestId('stream-data').fill('reply from tab B');
    await b.getByTestId('stream-append').click();
    await a.getByTestId('stream-frame').filter({ hasText: 'reply from tab B' }).waitFor();
    await b.getByTestId('stream-frame').filter({ hasText: 'reply from tab B' }).waitFor();
    await b.getByTestId('activity-item').filter({ hasText: 'build-log' }).first().waitFor();
    expect(await b.getByTestId('stream-frame').count()).toBe(2);

    // Closing the leader's tab hands the database to the other tab, which keeps working.
    await a.close();
    await b.getByTestId('status-role').filter({ hasText: 'role: leader' }).waitFor();
    await b.getByTestId('stream-data').fill('after the hand-over');
    await b.getByTestId('stream-append').click();
    await b.getByTestId('stream-frame').filter({ hasText: 'after the hand-over' }).waitFor();
    expect(await b.getByTestId('stream-error').isHidden()).toBe(true);
  });

  it('exports, deletes and imports the database from the storage card, and the other tab follows each step', async () => {
    const db = uniqueDb('in-out');
    const context = await browser(await profile());
    const a = await firstPage(context);
    await openDemo(a, dev.url, db);
    const b = await context.newPage();
    await openDemo(b, dev.url, db);
    await b.getByTestId('status-role').filter({ hasText: 'role: follower' }).waitFor();
    await a.getByTestId('output-node').fill('kept');
    await a.getByTestId('output-put').click();
    await b.getByTestId('output-item').filter({ hasText: 'kept' }).waitFor();
    const [download] = await Promise.all([a.waitForEvent('download'), a.getByTestId('export-db').click()]);
    const exported = await download.path();

    // Deleting takes two clicks; both tabs' stores end and say so.
    await a.getByTestId('delete-db').click();
    await a.getByTestId('delete-db').filter({ hasText: 'Click again to delete' }).waitFor();
    await a.getByTestId('delete-db').click();
    await a
      .getByTestId('storage-note')
      .filter({ hasText: `Deleted database ${db}` })
      .waitFor();
    await a.getByTestId('store-closed').waitFor();
    await b.getByTestId('store-closed').filter({ hasText: 'it was deleted' }).waitFor();
    await b.getByTestId('store-closed-reload').click();
    await ready(b);
    await a.reload();
    await ready(a);
    await b.getByTestId('output-list').filter({ hasText: 'No outputs in this run yet.' }).waitFor();

    // A refused file says why and changes nothing; the exported one comes back in both tabs.
    await a.getByTestId('import-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a database') });
    await a.getByTestId('storage-error').filter({ hasText: 'ValidationError' }).waitFor();
    await a.getByTestId('import-file').setInputFiles(exported);
    await a.getByTestId('storage-note').filter({ hasText: 'Imported' }).waitFor();
    await a.getByTestId('output-item').filter({ hasText: 'kept' }).waitFor();
    await b.getByTestId('output-item').filter({ hasText: 'kept' }).waitFor();
    expect(await b.getByTestId('store-closed').isHidden()).toBe(true);
  });

  it('works built and previewed, with no COOP/COEP headers', async () => {
    const outDir = await tempDir('demo-dist');
    cleanups.push(outDir.remove);
    const built = await serveBuiltDemo(outDir.path, cache.path);
    cleanups.push(built.close);

    const context = await browser(await profile());
    const page = await firstPage(context);
    const db = uniqueDb('built');
    const response = await page.goto(`${built.url}?db=${db}`);
    const headers = response?.headers() ?? {};
    expect(response?.ok()).toBe(true);
    expect(headers).not.toHaveProperty('cross-origin-opener-policy');
    expect(headers).not.toHaveProperty('cross-origin-embedder-policy');
    await ready(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

    await page.getByTestId('output-node').fill('built');
    await page.getByTestId('output-put').click();
    await page.getByTestId('output-item').filter({ hasText: 'built' }).waitFor();
    await page.reload();
    await ready(page);
    await page.getByTestId('output-item').filter({ hasText: 'built' }).filter({ hasText: '{"rows":42}' }).waitFor();
  });
});
