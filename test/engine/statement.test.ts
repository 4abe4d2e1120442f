import { describe, expect, it } from 'vitest';
import { loadSqlite } from '../../src/engine/storage/load-sqlite.js';
import { WasmDriver } from '../../src/engine/storage/drivers/wasm.js';
import { Db } from '../../src/engine/db.js';

// The C-level statement path (src/engine/statement.ts through Db): values must
// come back exactly as bound, across every type and the scratch-buffer edges.
async function openTx() {
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v ANY) STRICT');
  const tx = new Db(new WasmDriver(sqlite3, db));
  const roundTrip = (v: unknown) => {
    tx.run('DELETE FROM t');
    tx.run('INSERT INTO t (id, v) VALUES (1, ?)', [v as never]);
    return tx.get('SELECT v, typeof(v) AS type FROM t WHERE id = 1')!;
  };
  return { db, tx, roundTrip };
}

describe('statements through the C functions', () => {
  it('round-trips text of every size around the scratch buffer, unicode included', async () => {
    const { db, roundTrip } = await openTx();
    // 64 KiB of scratch holds any string of up to 21,845 UTF-16 units; longer ones get their own allocation.
    for (const text of [
      '',
      'plain',
      'héllo 👋 ✓',
      'nul\u0000inside',
      // Around the ASCII copy's limit (256 units), and a last unit that sends it to the encoder.
      'a'.repeat(256),
      'b'.repeat(257),
      `${'c'.repeat(255)}é`,
      'é'.repeat(21_845),
      '👋'.repeat(10_923),
      'x'.repeat(21_846),
      'ü'.repeat(300_000),
    ]) {
      expect(roundTrip(text)).toEqual({ v: text, type: 'text' });
    }
    // A lone surrogate is not valid UTF-16; it is stored as U+FFFD, as TextEncoder does.
    expect(roundTrip('a\uD800b').v).toBe('a\uFFFDb');
    db.close();
  });

  it('keeps integers exact: numbers within the safe range, BigInt beyond it', async () => {
    const { db, roundTrip } = await openTx();
    for (const n of [0, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(roundTrip(n)).toEqual({ v: n, type: 'integer' });
    }
    expect(roundTrip(2n ** 62n)).toEqual({ v: 2n ** 62n, type: 'integer' });
    expect(roundTrip(-(2n ** 63n))).toEqual({ v: -(2n ** 63n), type: 'integer' });
    expect(roundTrip(1.5)).toEqual({ v: 1.5, type: 'real' });
    expect(roundTrip(1e300)).toEqual({ v: 1e300, type: 'real' });
    expect(roundTrip(true)).toEqual({ v: 1, type: 'integer' });
    expect(roundTrip(null)).toEqual({ v: null, type: 'null' });
    db.close();
  });

  it('binds bytes from any view, offsets respected, and returns a copy', async () => {
    const { db, tx, roundTrip } = await openTx();
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    expect(roundTrip(backing.subarray(1, 4))).toEqual({ v: new Uint8Array([1, 2, 3]), type: 'blob' });
    expect(roundTrip(new Int8Array([-1, 2]))).toEqual({ v: new Uint8Array([255, 2]), type: 'blob' });
    expect(roundTrip(new Uint8Array([4, 5]).buffer)).toEqual({ v: new Uint8Array([4, 5]), type: 'blob' });
    expect(roundTrip(new Uint8Array(0))).toEqual({ v: new Uint8Array(0), type: 'blob' });
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    const back = roundTrip(big).v as Uint8Array;
    expect(back).toEqual(big);
    back[0] = 77;
    expect((tx.get('SELECT v FROM t')!.v as Uint8Array)[0]).toBe(0);
    db.close();
  });

  it('reports SQLite errors with the extended code oo1 gives, and leaves the statement reusable', async () => {
    const { db, tx } = await openTx();
    tx.run('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'a']);
    let caught: unknown;
    try {
      tx.run('INSERT INTO t (id, v) VALUES (?, ?)', [1, 'b']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ name: 'SQLite3Error', resultCode: 1555 }); // SQLITE_CONSTRAINT_PRIMARYKEY
    expect(String((caught as Error).message)).toContain('UNIQUE constraint failed: t.id');
    expect(() => tx.run('INSERT INTO t (id, v) VALUES (?, ?)', [1])).toThrow(/parameters/);
    // The same cached statements still work after both failures.
    expect(tx.run('INSERT INTO t (id, v) VALUES (?, ?)', [2, 'c'])).toBe(1);
    expect(tx.all('SELECT id, v FROM t ORDER BY id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'c' },
    ]);
    db.close();
  });
});
