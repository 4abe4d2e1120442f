import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plugin, ViteDevServer } from 'vite';
// @ts-expect-error plain ESM helper shared with the test scripts
import { firefoxPath, webkitPath, xvfbPath } from '../../scripts/browsers.mjs';
import { firefox, stop, webkit, type Launcher } from '../support/launch-provider.js';
import { servePages, tempDir, uniqueDb } from './harness.js';

type Report = { db: string; step: string; data: unknown };

/** Reports the probe page posts, by database, awaited by step. */
class Reports {
  readonly #seen: Report[] = [];
  readonly #waiting: { db: string; step: string; resolve: (r: Report) => void }[] = [];

  add(report: Report): void {
    this.#seen.push(report);
    for (const w of this.#waiting.filter((w) => w.db === report.db && (w.step === report.step || report.step === 'error'))) {
      this.#waiting.splice(this.#waiting.indexOf(w), 1);
      w.resolve(report);
    }
  }

  next(db: string, step: string): Promise<Report> {
    const seen = this.#seen.find((r) => r.db === db && (r.step === step || r.step === 'error'));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiting.push({ db, step, resolve }));
  }
}

/** POST /__report: where the probe page reports each step. */
function reportEndpoint(reports: Reports): Plugin {
  return {
    name: 'report-endpoint',
    configureServer: (dev) => {
      dev.middlewares.use('/__report', (req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          reports.add(JSON.parse(body) as Report);
          res.end();
        });
      });
    },
  };
}

const path = (find: unknown) => (find as () => string | undefined)() ?? 'missing';
const engines: [Launcher, string][] = [
  [firefox(path(firefoxPath)), 'opfs'],
  [webkit(path(webkitPath), path(xvfbPath)), 'idb'],
];
const expected = { output: { kept: true }, global: 1, records: ['written'], rows: ['survives'], frames: ['frame-1'] };

describe.each(engines.map(([l, s]) => [l.name, l, s] as const))(
  'durability in %s, started by its own binary',
  (_name, launcher, storage) => {
    let server: ViteDevServer;
    let cache: Awaited<ReturnType<typeof tempDir>>;
    const reports = new Reports();
    const running: ChildProcess[] = [];

    beforeAll(async () => {
      cache = await tempDir(`${launcher.name}-cache`);
      server = await servePages(cache.path, ['persist.html'], [reportEndpoint(reports)]);
    });
    afterAll(async () => {
      for (const child of running.splice(0).reverse()) await stop(child);
      await server?.close();
      await cache?.remove();
    });

    const url = (db: string, phase: string) => `${server.resolvedUrls!.local[0]}persist.html?db=${db}&phase=${phase}`;

    it(`keeps every module's data on ${storage} across a reload, a browser restart and a killed browser`, async () => {
      const profile = await tempDir(`${launcher.name}-profile`);
      const db = uniqueDb(launcher.name);
      try {
        let procs = await launcher.start(url(db, 'write'), profile.path);
        running.push(...procs);
        expect((await reports.next(db, 'written')).data).toEqual({ storage });
        expect((await reports.next(db, 'reloaded')).data).toEqual({ storage, ...expected });
        // A clean quit, then the same profile again.
        for (const p of procs.reverse()) await stop(p);
        procs = await launcher.start(url(db, 'restarted'), profile.path);
        running.push(...procs);
        expect((await reports.next(db, 'restarted')).data).toEqual({ storage, ...expected });
        // A browser killed outright: what was committed is still there.
        for (const p of procs.reverse()) await stop(p, 'SIGKILL');
        procs = await launcher.start(url(db, 'after-kill'), profile.path);
        running.push(...procs);
        expect((await reports.next(db, 'after-kill')).data).toEqual({ storage, ...expected });
        for (const p of procs.reverse()) await stop(p);
      } finally {
        await profile.remove();
      }
    });

    it(`runs two documents on one database: a follower forwards, is woken across documents, and takes over when the leader goes`, async () => {
      const profile = await tempDir(`${launcher.name}-tabs-profile`);
      const db = uniqueDb(`${launcher.name}-tabs`);
      try {
        const procs = await launcher.start(url(db, 'tabs'), profile.path);
        running.push(...procs);
        expect((await reports.next(db, 'tabs')).data).toEqual({
          storage,
          roles: ['follower', 'leader'],
          fromLeader: { by: 'leader' },
          woken: ['from-leader'],
          afterTakeOver: {
            outputs: [{ by: 'leader' }, { by: 'follower' }],
            frames: ['from-leader'],
            global: 1,
          },
        });
        for (const p of procs.reverse()) await stop(p);
      } finally {
        await profile.remove();
      }
    });
  },
);

const restricted: [string, Launcher, RegExp][] = [
  ['a Firefox private window', firefox(path(firefoxPath), { privateWindow: true }), /SecurityError/],
  // OPFS switched on, but this WebKit build has no sync access handles behind it.
  [
    'WebKitGTK with OPFS switched on',
    webkit(path(webkitPath), path(xvfbPath), { features: '+StorageAPI,+FileSystem,+AccessHandle' }),
    /NotSupportedError/,
  ],
];

describe.each(restricted)('%s', (label, launcher, refusal) => {
  let server: ViteDevServer;
  let cache: Awaited<ReturnType<typeof tempDir>>;
  const reports = new Reports();
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    cache = await tempDir(`${launcher.name}-restricted-cache`);
    server = await servePages(cache.path, ['persist.html'], [reportEndpoint(reports)]);
  });
  afterAll(async () => {
    for (const child of running.splice(0).reverse()) await stop(child);
    await server?.close();
    await cache?.remove();
  });

  it('falls back to IndexedDB and says plainly that OPFS is refused there; an explicit opfs is refused with why', async () => {
    const profile = await tempDir(`${launcher.name}-restricted-profile`);
    const db = uniqueDb(label.replace(/\W+/g, '-'));
    try {
      const procs = await launcher.start(`${server.resolvedUrls!.local[0]}persist.html?db=${db}&phase=private`, profile.path);
      running.push(...procs);
      const { data } = await reports.next(db, 'private');
      expect(data).toMatchObject({ storage: 'idb', value: 1 });
      const { warnings, explicit } = data as { warnings: string[]; explicit: string };
      expect(warnings.join('\n')).toMatch(/refuses OPFS here \(/);
      expect(warnings.join('\n')).toMatch(refusal);
      expect(explicit).toMatch(/^STORAGE: .*refuses it here \(/);
      expect(explicit).toMatch(refusal);
      for (const p of procs.reverse()) await stop(p);
    } finally {
      await profile.remove();
    }
  });
});
