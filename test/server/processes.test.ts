import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server.js';
import { Child, runChild, runtimes, type Runtime } from '../support/child-process.js';
import { foreignDatabases } from '../support/foreign-databases.js';

const dir = mkdtempSync(join(tmpdir(), 'flowstore-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = () => join(dir, `db-${++files}.sqlite3`);

// Node: the machine's (better-sqlite3) and 24 (node:sqlite); Deno and Bun: their own bindings.
const all: Runtime[] = [runtimes.node, runtimes.node24, runtimes.deno, runtimes.bun];

describe.each(all)('a file from separate processes ($label)', (runtime) => {
  it('reads, when run again, what the first run wrote (the README example)', async () => {
    const path = freshFile();
    expect(await runChild(runtime, 'readme', path)).toEqual([{ runs: 0, storage: 'file' }]);
    expect(await runChild(runtime, 'readme', path)).toEqual([{ runs: 1, storage: 'file' }]);
  });

  it('refuses a store with neither a path nor storage: memory, saying what to pass', async () => {
    const [reply] = await runChild(runtime, 'no-path');
    expect(reply).toMatchObject({ ok: false, error: { name: 'ValidationError', code: 'VALIDATION', path: 'path' } });
    expect((reply!.error as { message: string }).message).toMatch(/pass path/);
  });

  it('refuses a second process while one holds the file, with StorageError SQLITE_BUSY; opens once it is released', async () => {
    const path = freshFile();
    const holder = new Child(runtime, 'hold', path);
    expect(await holder.next((m) => m.ready === true)).toEqual({ ready: true, storage: 'file' });
    const [refused] = await runChild(runtime, 'open', path);
    expect(refused).toMatchObject({ ok: false, error: { name: 'StorageError', code: 'STORAGE', sqliteCode: 5 } });
    expect((refused!.error as { message: string }).message).toMatch(/held by another process/);
    holder.process.stdin.end();
    expect(await holder.next((m) => m.closed === true)).toEqual({ closed: true });
    await holder.exited;
    expect(await runChild(runtime, 'open', path)).toEqual([{ ok: true, storage: 'file' }]);
  });

  it("refuses another program's SQLite file with ValidationError, leaving every byte of it as it was", async () => {
    for (const { what, bytes } of await foreignDatabases()) {
      const path = freshFile();
      writeFileSync(path, bytes);
      const [reply] = await runChild(runtime, 'open', path);
      expect(reply, what).toMatchObject({ ok: false, error: { name: 'ValidationError', code: 'VALIDATION' } });
      expect((reply!.error as { message: string }).message, what).toContain(`${path} is not a flowstore database`);
      expect(new Uint8Array(readFileSync(path)), what).toEqual(bytes);
      for (const side of ['-wal', '-shm', '-journal']) expect(existsSync(path + side), what).toBe(false);
    }
  });
});

// The better-sqlite3 of node_modules is built for the Node that runs the tests.
describe.skipIf(process.versions.node.startsWith('24.'))('driver better-sqlite3 built for another Node (Node 24)', () => {
  it('refuses with a StorageError that says to rebuild it or to leave driver unset', async () => {
    const [reply] = await runChild(runtimes.node24, 'open', freshFile(), 'better-sqlite3');
    expect(reply).toMatchObject({ ok: false, error: { name: 'StorageError', code: 'STORAGE' } });
    expect((reply!.error as { message: string }).message).toMatch(
      /better-sqlite3 is installed but does not load.*npm rebuild better-sqlite3.*leave driver unset/s,
    );
  });
});

describe('write-once across processes', () => {
  it('two processes putting the same 200 keys by turns: exactly one wins each key, and its value is kept', async () => {
    const path = freshFile();
    const keys = 200;
    const a = new Child(runtimes.node, 'race', path, 'a', String(keys));
    const b = new Child(runtimes.node24, 'race', path, 'b', String(keys));
    const [ra, rb] = await Promise.all([a.next((m) => 'won' in m), b.next((m) => 'won' in m)]);
    const won = { a: ra!.won as number[], b: rb!.won as number[] };
    expect([...won.a, ...won.b].sort((x, y) => x - y)).toEqual(Array.from({ length: keys }, (_, i) => i));
    expect((ra!.lost as number[]).sort()).toEqual(won.b.filter((k) => k < keys).sort());
    const store = await openStore({ name: 'check', path });
    try {
      for (const k of won.a) expect(await store.outputs.get('race', `k${k}`)).toBe('a');
      for (const k of won.b) expect(await store.outputs.get('race', `k${k}`)).toBe('b');
      expect(await store.outputs.keys('race')).toHaveLength(keys);
    } finally {
      await store.close();
    }
  });
});

describe.each([runtimes.node, runtimes.node24])('kill -9 while writing ($label)', (runtime) => {
  it('20 kills on one file: every acknowledged put is there with its value, none twice, integrity ok', async () => {
    const path = freshFile();
    const acked = new Map<string, { round: number; batch: number; i: number }>();
    for (let round = 0; round < 20; round++) {
      const child = new Child(runtime, 'write', path, String(round));
      // A random point in the stream of writes: after 1 to 400 acknowledgements.
      const killAfter = 1 + Math.floor(Math.random() * 400);
      let seen = 0;
      const killed = new Promise<void>((resolve) =>
        child.onMessage((m) => {
          if (typeof m.acked !== 'string') return;
          const [r, batch, i] = m.acked.split('-').map(Number);
          acked.set(m.acked, { round: r!, batch: batch!, i: i! });
          if (++seen === killAfter) {
            child.process.kill('SIGKILL');
            resolve();
          }
        }),
      );
      await Promise.race([killed, child.exited]);
      const { signal } = await child.exited;
      expect(signal, child.stderr).toBe('SIGKILL');
    }
    const store = await openStore({ name: 'check', path });
    try {
      const keys = await store.outputs.keys('crash');
      expect(new Set(keys).size).toBe(keys.length);
      for (const [key, value] of acked) expect(await store.outputs.get('crash', key)).toEqual(value);
      expect(await store.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await store.close();
    }
  });
});

describe('kill -9 while writing a table with a Markdown dump', () => {
  it('after 5 kills at random points (some between a commit and its file), the next open leaves every file with its row as committed', async () => {
    const path = freshFile();
    const dir = `${path}.notes`;
    const lastAcked = new Map<string, number>();
    for (let round = 0; round < 5; round++) {
      // Each round counts its updates from 1: what the last round acknowledged is what must hold.
      lastAcked.clear();
      const child = new Child(runtimes.node, 'dump', path, dir, String(round));
      const killAfter = 1 + Math.floor(Math.random() * 200);
      let seen = 0;
      const killed = new Promise<void>((resolve) =>
        child.onMessage((m) => {
          if (typeof m.acked !== 'string') return;
          lastAcked.set(m.acked, Math.max(lastAcked.get(m.acked) ?? 0, m.n as number));
          if (++seen === killAfter) {
            // Acknowledgements come once a batch's files are written: a random delay moves the kill into the next batch.
            setTimeout(() => {
              child.process.kill('SIGKILL');
              resolve();
            }, Math.random() * 8);
          }
        }),
      );
      await Promise.race([killed, child.exited]);
      expect((await child.exited).signal, child.stderr).toBe('SIGKILL');
    }
    // Opened without its dump: the table keeps the one it has, and the open repairs what is behind.
    const store = await openStore({ name: 'check', path });
    try {
      const notes = await store.table<{ title: string; n: number }>('notes', {
        fields: { title: { type: 'string', required: true }, n: { type: 'integer' } },
      });
      const rows = await notes.list();
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        if (lastAcked.has(row.id)) {
          expect(row.data.title).toContain('round 4,');
          expect(row.data.n).toBeGreaterThanOrEqual(lastAcked.get(row.id)!);
        }
        const text = await readFile(join(dir, `${row.id}.md`), 'utf8');
        expect(text.startsWith(`# ${row.data.title}\n`), text).toBe(true);
        expect(text).toContain(`- n: ${row.data.n}\n`);
        expect(text).toContain(`- updatedAt: ${new Date(row.updatedAt).toISOString()}\n`);
      }
    } finally {
      await store.close();
    }
  });
});
