// `npm run bench:journal`: what one durable commit costs on opfs-sahpool under
// each journal mode, in headless Chromium on an on-disk profile. Prints a Markdown table.
import os from 'node:os';
import { launch, openPage, serveDev } from './browser.mjs';
import { fmtMs, markdownTable } from './report.mjs';

const COMMITS = 200;
const ROUNDS = 4;

const server = await serveDev(['bench/journal.html']);
const browser = await launch();
let rows;
let userAgent;
try {
  const page = await openPage(browser.context, `${server.origin}/bench/journal.html`, 'journalBench');
  userAgent = await page.evaluate(() => navigator.userAgent);
  rows = await page.evaluate(([p, c, r]) => window.journalBench.run(p, c, r), [Date.now().toString(36), COMMITS, ROUNDS]);
} finally {
  await browser.close();
  await server.stop();
}

const chromium = /Chrome\/([\d.]+)/.exec(userAgent)?.[1];
console.log(
  `\n### Per-commit cost of one autocommit INSERT on opfs-sahpool (median of ${COMMITS} commits, ${ROUNDS} interleaved rounds)\n`,
);
console.log(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, headless Chromium ${chromium}, on-disk profile; load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(
      ' / ',
    )} (shared machine: indicative). Timers in a page without cross-origin isolation tick in 100 µs steps, so medians are rounded to 0.1 ms; the mean is finer.\n`,
);
console.log(
  markdownTable(
    ['journal_mode', 'locking_mode', 'synchronous', 'median', 'p90', 'mean', 'note'],
    rows.map((r) => [
      r.journal,
      r.locking,
      r.synchronous,
      r.refused ? 'refused' : fmtMs(r.median),
      r.refused ? '' : fmtMs(r.p90),
      r.refused ? '' : fmtMs(r.mean),
      r.refused ?? (r.checkpoint !== undefined ? `checkpoint(TRUNCATE) after: ${fmtMs(r.checkpoint)}` : ''),
    ]),
  ),
);
