import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { WatchedReads } from '../../src/engine/watched-reads.js';
import { loadSqlite } from '../../src/engine/storage/load-sqlite.js';
import { WasmDriver } from '../../src/engine/storage/drivers/wasm.js';
import type { Call, ChangeNotice } from '../../src/shared/protocol.js';
import { keyedRead } from '../../src/api/live/read-key.js';

// The leader's side of live queries in other tabs: which reads it takes, and which commits it answers them with.

async function engine(): Promise<Engine> {
  const sqlite3 = await loadSqlite();
  return new Engine(new WasmDriver(sqlite3, new sqlite3.oo1.DB(':memory:', 'c')));
}

const get = (key: string): Call => ({ op: 'globals.get', args: [key] });
const changeOf = (key: string, version: number): ChangeNotice => ({ module: 'globals', key, version });

describe('watched reads', () => {
  it('answers a watch with the commits that touch its reads, at that version, and no other', async () => {
    const db = await engine();
    // A clock that stands still: whether a watch is answered must not depend on how busy the machine is.
    const watched = new WatchedReads(() => 0);
    expect(watched.set('o', 'w', 1, [get('a'), { op: 'outputs.keys', args: ['run'] }])).toBe(true);
    const reply = db.exec([{ op: 'globals.upsert', args: ['a', { n: 1 }] }]);
    const read = (calls: Call[]) => db.exec(calls).outcomes;
    expect(watched.answer(reply.changes, db.version, read)).toEqual([
      {
        watch: 'w',
        rev: 1,
        version: db.version,
        outcomes: [
          { ok: true, value: { n: 1 } },
          { ok: true, value: [] },
        ],
      },
    ]);
    const other = db.exec([{ op: 'globals.upsert', args: ['b', 2] }]);
    expect(watched.answer(other.changes, db.version, read)).toBeUndefined();
    watched.delete('w');
    expect(watched.answer(reply.changes, db.version, read)).toBeUndefined();
    db.close();
  });

  it('refuses writes, whole-database reads, malformed calls and too many reads, keeping nothing of them', () => {
    const watched = new WatchedReads();
    expect(watched.set('o', 'w', 1, [{ op: 'globals.upsert', args: ['a', 1] }])).toBe(false);
    expect(watched.set('o', 'w', 1, [{ op: 'db.export', args: [] }])).toBe(false);
    expect(watched.set('o', 'w', 1, [{ op: 'globals.get' }])).toBe(false);
    expect(watched.set('o', 'w', 1, [])).toBe(false);
    expect(
      watched.set(
        'o',
        'w',
        1,
        Array.from({ length: 33 }, (_, i) => get(`k${i}`)),
      ),
    ).toBe(false);
    expect(watched.set('o', 42, 1, [get('a')])).toBe(false);
    // Arguments that JSON cannot hold (any page may post them): refused, never thrown.
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(watched.set('o', 'w', 1, [{ op: 'globals.get', args: [10n] }])).toBe(false);
    expect(watched.set('o', 'w', 1, [{ op: 'outputs.keys', args: ['run', cycle] }])).toBe(false);
    expect(watched.set(undefined, 'w', 1, [get('a')])).toBe(false);
    expect(watched.size).toBe(0);
  });

  it('forgets the oldest watch past 256, and answers nothing too large to travel or too slow three times in a row', () => {
    // A clock of the test's own: a read is slow because it moves the clock, never because the machine is busy.
    let now = 0;
    const watched = new WatchedReads(() => now);
    for (let i = 0; i <= 256; i++) watched.set('o', `w${i}`, 1, [get(`k${i}`)]);
    expect(watched.size).toBe(256);
    const answered = (key: string, read: (calls: Call[]) => unknown[]) =>
      watched.answer([changeOf(key, 1)], 1, (calls) => calls.map((_, i) => ({ ok: true, value: read(calls)[i] })));
    expect(answered('k0', () => [1])).toBeUndefined();
    expect(answered('k1', () => [1])?.map((a) => a.watch)).toEqual(['w1']);
    expect(answered('k2', () => ['x'.repeat(70_000)])).toBeUndefined();
    const slow = () => {
      now += 3;
      return [1];
    };
    for (let i = 0; i < 3; i++) expect(answered('k3', slow)?.length).toBe(1);
    expect(answered('k3', () => [1])).toBeUndefined();
    // Sent again with the same reads, it stays unanswered; with other reads it starts afresh.
    watched.set('o', 'w3', 2, [get('k3')]);
    expect(answered('k3', () => [1])).toBeUndefined();
    watched.set('o', 'w3', 3, [get('k3'), get('k4')]);
    expect(answered('k3', () => [1, 2])?.map((a) => a.rev)).toEqual([3]);
    // All watches of one commit together get at most 5 ms: past that the rest are not answered.
    for (let i = 0; i < 5; i++) watched.set('o', `same${i}`, 1, [get('same')]);
    // Each takes 3 ms: the first two fit in the 5 ms, the third starts past them.
    expect(answered('same', slow)?.length).toBe(2);
    // Every tab receives every notice: all answers of one together stay under 256 K.
    for (let i = 10; i < 16; i++) watched.set('o', `big${i}`, 1, [get('shared')]);
    expect(answered('shared', () => ['x'.repeat(60_000)])?.length).toBe(4);
  });
});

describe('a watch found slow', () => {
  it('is tried again once in 32 commits that touch it, and answered again once it is fast', () => {
    let now = 0;
    const watched = new WatchedReads(() => now);
    watched.set('o', 'w', 1, [get('k')]);
    const answered = (read: () => unknown) => watched.answer([changeOf('k', 1)], 1, () => [{ ok: true, value: read() }]);
    let reads = 0;
    const slow = () => {
      reads++;
      now += 3;
      return 1;
    };
    const fast = () => {
      reads++;
      return 1;
    };
    for (let i = 0; i < 3; i++) expect(answered(slow)?.length).toBe(1);
    reads = 0;
    // Still slow at its next try: skipped again for 31 commits, then tried once more.
    for (let i = 0; i < 31; i++) expect(answered(slow)).toBeUndefined();
    expect(answered(slow)?.length).toBe(1);
    expect(reads).toBe(1);
    for (let i = 0; i < 31; i++) expect(answered(fast)).toBeUndefined();
    expect(reads).toBe(1);
    // Fast at that try: answered with every commit from then on.
    for (let i = 0; i < 5; i++) expect(answered(fast)?.length).toBe(1);
    expect(reads).toBe(6);
  });
});

describe('a commit whose answers start late', () => {
  it('still answers its first watch, and stops before the next', () => {
    // The clock jumps by 100 ms right after the commit starts answering, as a pause of the whole machine would.
    let ticks = 0;
    const watched = new WatchedReads(() => (ticks++ === 0 ? 0 : 100));
    watched.set('o', 'w1', 1, [get('k')]);
    watched.set('o', 'w2', 1, [get('k')]);
    const answers = watched.answer([changeOf('k', 1)], 1, () => [{ ok: true, value: 1 }]);
    expect(answers?.map((a) => a.watch)).toEqual(['w1']);
  });
});

describe('watched reads of a store instance that went away', () => {
  it('are all forgotten, and only theirs', () => {
    const watched = new WatchedReads(() => 0);
    watched.set('gone', 'g1', 1, [get('a')]);
    watched.set('gone', 'g2', 1, [get('b')]);
    watched.set('here', 'h1', 1, [get('a')]);
    watched.deleteOwner('gone');
    expect(watched.size).toBe(1);
    expect(watched.answer([changeOf('a', 1)], 1, () => [{ ok: true, value: 1 }])?.map((a) => a.watch)).toEqual(['h1']);
  });
});

describe('read keys', () => {
  const any = () => true;
  it('name a read by its exact arguments, drop trailing undefined ones, and refuse what JSON would blur', () => {
    expect(keyedRead('globals.get', ['a'], any)?.key).toBe(keyedRead('globals.get', ['a', undefined], any)?.key);
    expect(keyedRead('globals.get', ['a'], any)?.key).not.toBe(keyedRead('outputs.get', ['a'], any)?.key);
    expect(keyedRead('tables.count', ['t', { fields: {} }, { where: { n: 1 } }], any)?.call).toEqual({
      op: 'tables.count',
      args: ['t', { fields: {} }, { where: { n: 1 } }],
    });
    for (const blurred of [
      { n: undefined },
      -0,
      { where: { n: -0 } },
      Number.NaN,
      new Date(0),
      [1, , 3],
      Object.create({ inherited: 1 }),
    ]) {
      expect(keyedRead('tables.count', ['t', { fields: {} }, blurred], any)).toBeUndefined();
    }
    expect(keyedRead('db.export', [], any)).toBeUndefined();
    expect(keyedRead('globals.upsert', ['a', 1] as never, any)).toBeUndefined();
  });
});
