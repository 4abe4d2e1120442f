import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server.js';
import { Child, runChild, runtimes, type Runtime } from '../support/child-process.js';

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
