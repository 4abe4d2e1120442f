import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { readOps } from '../../src/engine/ops/index.js';
import { loadSqlite } from '../../src/engine/storage/load-sqlite.js';
import { WasmDriver } from '../../src/engine/storage/drivers/wasm.js';
import type { OpArgs, OpName } from '../../src/shared/protocol.js';
import { checkedCall } from '../../src/shared/call-checks.js';
import { ValidationError } from '../../src/shared/errors.js';
import type { TableSchema } from '../../src/shared/table-schema.js';
import { exportImage, openHost } from '../support/engine-host.js';
import { CARRIED_IDS_MAX } from '../../src/engine/row-notices.js';

// The engine in-process, below the facade: group commit and exactly-once retries.

describe('engine', () => {
  it('applies a batch in one transaction where each call keeps its own outcome', async () => {
    const host = await openHost();
    const reply = await host.exec([
      { op: 'outputs.put', args: ['r', 'a', 1] },
      { op: 'outputs.put', args: ['r', 'a', 2] },
      { op: 'outputs.put', args: ['r', 'b', 3] },
      { op: 'outputs.keys', args: ['r'] },
    ]);
    expect(reply.outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
    expect(reply.outcomes[1]).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    expect(reply.outcomes[3]).toEqual({ ok: true, value: ['a', 'b'] });
    expect(reply.changes.map((c) => c.key)).toEqual(['["r","a"]', '["r","b"]']);
    expect(new Set(reply.changes.map((c) => c.version)).size).toBe(1);
    host.close();
  });

  it('checks again a checked call that reaches it as a copy (from a worker message or another tab), and not one it got as is', async () => {
    const host = await openHost();
    const checked = checkedCall('outputs.put', ['r', 'checked', { ok: true }]);
    // What a postMessage or BroadcastChannel delivers: a structured clone, here altered on the way.
    const copy = structuredClone(checked);
    copy.args[2] = { bad: undefined };
    const reply = await host.exec([checked, copy, { op: 'outputs.put', args: ['r', '', 1] }]);
    expect(reply.outcomes[0]).toEqual({ ok: true, value: undefined });
    expect(reply.outcomes[1]).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { path: 'value.bad' } } });
    expect(reply.outcomes[2]).toMatchObject({ ok: false, error: { code: 'VALIDATION', fields: { path: 'nodeId' } } });
    expect(() => checkedCall('outputs.put', ['r', 'n', Number.NaN])).toThrow(ValidationError);
    expect((await host.exec([{ op: 'outputs.keys', args: ['r'] }])).outcomes[0]).toEqual({ ok: true, value: ['checked'] });
    host.close();
  });

  it('undoes every write of a call that fails after writing, and keeps its neighbours', async () => {
    const host = await openHost();
    const schema = { fields: { title: { type: 'string' } } } as const;
    await host.exec([{ op: 'tables.open', args: ['todo', schema] }]);
    const reply = await host.exec([
      { op: 'outputs.put', args: ['r', 'a', 1] },
      // Its first op writes a row, its second fails: the whole call must leave nothing behind.
      {
        op: 'tables.batch',
        args: [
          'todo',
          schema,
          [
            { op: 'create', data: { title: 'undone' } },
            { op: 'delete', id: 'missing' },
          ],
        ],
      },
      { op: 'outputs.put', args: ['r', 'a', 2] },
      { op: 'tables.create', args: ['todo', schema, { title: 'kept' }] },
      { op: 'outputs.put', args: ['r', 'b', 3] },
    ]);
    expect(reply.outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'NOT_FOUND', 'ALREADY_EXISTS', 'ok', 'ok']);
    expect(reply.changes.map((c) => c.module)).toEqual(['outputs', 'table', 'outputs']);
    const after = await host.exec([
      { op: 'tables.list', args: ['todo', schema, {}] },
      { op: 'outputs.keys', args: ['r'] },
      { op: 'outputs.get', args: ['r', 'a'] },
    ]);
    expect((after.outcomes[0] as { value: { data: unknown }[] }).value.map((r) => r.data)).toEqual([{ title: 'kept' }]);
    expect(after.outcomes.slice(1)).toEqual([
      { ok: true, value: ['a', 'b'] },
      { ok: true, value: 1 },
    ]);
    host.close();
  });

  it('leaves no part of a table behind when its creation fails half-way, and keeps its neighbours', async () => {
    const sqlite3 = await loadSqlite();
    for (let room = 2; room <= 4; room++) {
      const db = new sqlite3.oo1.DB(':memory:', 'c');
      const engine = new Engine(new WasmDriver(sqlite3, db));
      // Room for a few pages: the table's DDL starts, then an index no longer fits.
      db.exec(`PRAGMA max_page_count = ${Number(db.selectValue('PRAGMA page_count')) + room}`);
      const schema = { fields: { title: { type: 'string' } }, indexes: ['title'] };
      const reply = engine.exec([
        { op: 'outputs.put', args: ['r', 'a', 1] },
        { op: 'tables.open', args: ['t', schema] },
        { op: 'outputs.put', args: ['r', 'b', 2] },
      ]);
      const opened = reply.outcomes[1]!;
      const leftovers = db.selectValues(`SELECT name FROM sqlite_master WHERE name LIKE 'table_t%' OR tbl_name LIKE 'table_t%'`);
      const catalogued = db.selectValue(`SELECT count(*) FROM tables_catalog WHERE name = 't'`);
      // All or nothing: either the table opened completely, or none of it is there.
      if (opened.ok) expect(catalogued).toBe(1);
      else expect([leftovers, catalogued]).toEqual([[], 0]);
      expect(reply.outcomes[0]!.ok && reply.outcomes[2]!.ok).toBe(true);
      db.close();
    }
  });

  it("refuses another program's database without changing it, and opens one holding only Cloudflare's own tables", async () => {
    const sqlite3 = await loadSqlite();
    const tables = (db: InstanceType<typeof sqlite3.oo1.DB>) => db.selectValues(`SELECT name FROM sqlite_master ORDER BY name`);
    for (const sql of [
      'CREATE TABLE users (id INTEGER PRIMARY KEY)',
      'CREATE TABLE users (id INTEGER PRIMARY KEY); PRAGMA user_version = 2',
      'CREATE TABLE globals (k TEXT)',
    ]) {
      const db = new sqlite3.oo1.DB(':memory:', 'c');
      db.exec(sql);
      const before = [tables(db), db.selectValue('PRAGMA user_version')];
      expect(() => new Engine(new WasmDriver(sqlite3, db)), sql).toThrow(ValidationError);
      expect(() => new Engine(new WasmDriver(sqlite3, db)), sql).toThrow(/is not a flowstore database/);
      expect([tables(db), db.selectValue('PRAGMA user_version')], sql).toEqual(before);
      db.close();
    }
    // A Durable Object may hold these before flowstore ever ran in it.
    const db = new sqlite3.oo1.DB(':memory:', 'c');
    db.exec('CREATE TABLE _cf_KV (key TEXT PRIMARY KEY, value BLOB); CREATE TABLE _cf_METADATA (key INTEGER PRIMARY KEY, value BLOB)');
    const engine = new Engine(new WasmDriver(sqlite3, db));
    expect(engine.exec([{ op: 'globals.put', args: ['k', 1] }]).outcomes).toEqual([{ ok: true, value: undefined }]);
    db.close();
  });

  it('keeps commit versions increasing when the database is opened again', async () => {
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(':memory:', 'c');
    const open = () => new Engine(new WasmDriver(sqlite3, db));
    const first = open();
    const v1 = first.exec([{ op: 'outputs.put', args: ['r', 'a', 1] }]).changes[0]!.version;
    const v2 = first.exec([{ op: 'outputs.put', args: ['r', 'b', 1] }]).changes[0]!.version;
    // A new engine on the same file, as after a reload or a crash: it must not reuse a version.
    const v3 = open().exec([{ op: 'outputs.put', args: ['r', 'c', 1] }]).changes[0]!.version;
    expect(v1).toBeLessThan(v2);
    expect(v2).toBeLessThan(v3);
    db.close();
  });

  it('leaves the database byte-for-byte as it was after any operation marked as a read', async () => {
    const host = await openHost();
    const schema: TableSchema = { fields: { title: { type: 'string' } } };
    const setup = await host.exec([
      { op: 'tables.open', args: ['notes', schema] },
      { op: 'outputs.put', args: ['r', 'n', 1] },
      { op: 'globals.upsert', args: ['g', 1] },
      { op: 'records.append', args: [{ taskId: 't', attempt: 0, producer: 'p', event: 1 }] },
      { op: 'streams.append', args: ['s', 0, 'event', 1, 'summary'] },
    ]);
    const appended = setup.outcomes[3]!;
    const recordId = appended.ok ? (appended.value as string) : '';
    await host.exec([{ op: 'tables.aliasCreate', args: ['notes', schema, 'all', { where: {} }] }]);
    const row = await host.exec([{ op: 'tables.create', args: ['notes', schema, { title: 'x' }] }]);
    const created = row.outcomes[0]!;
    const rowId = created.ok ? (created.value as { id: string }).id : '';
    const reads: { [K in OpName]?: OpArgs<K> } = {
      'db.export': [],
      'db.inspect': ['PRAGMA integrity_check'],
      'outputs.get': ['r', 'n'],
      'outputs.keys': ['r'],
      'outputs.entries': ['r'],
      'globals.get': ['g'],
      'records.get': [recordId],
      'records.latest': ['p'],
      'records.list': ['t', 0],
      'streams.read': ['s', 0, 0, 10, 10],
      'streams.tail': ['s', 0, 0, 10, 'all'],
      'streams.summary': ['s', 0],
      'tables.get': ['notes', rowId.slice(0, 8)],
      'tables.list': ['notes', schema, {}],
      'tables.count': ['notes', schema, {}],
      'tables.aliasGet': ['notes', 'all'],
      'tables.aliasList': ['notes'],
      'tables.aliasRun': ['notes', schema, 'all'],
    };
    // Every marked read is exercised here, so a new one must be added (and checked) too.
    expect(Object.keys(reads).sort()).toEqual([...readOps].sort());
    const before = await exportImage(host);
    for (const [op, args] of Object.entries(reads)) {
      const reply = await host.exec([{ op: op as OpName, args: args as unknown[] }]);
      expect(reply.outcomes[0], op).toMatchObject({ ok: true });
      expect(reply.changes, op).toEqual([]);
    }
    expect(await exportImage(host)).toEqual(before);
    host.close();
  });

  it('refuses an unknown operation without failing the others', async () => {
    const host = await openHost();
    const reply = await host.exec([
      { op: 'nope' as never, args: [] },
      { op: 'globals.upsert', args: ['k', 1] },
    ]);
    expect(reply.outcomes[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(reply.outcomes[1]).toMatchObject({ ok: true });
    host.close();
  });

  it('answers a retried forwarded batch with its first reply and applies it once', async () => {
    const host = await openHost();
    const calls = [
      { op: 'records.append' as const, args: [{ taskId: 't', attempt: 0, producer: 'p', event: 1, parents: [] }] },
      { op: 'outputs.put' as const, args: ['r', 'n', 'v'] },
    ];
    const first = await host.exec(calls, 'follower-1:7');
    const retry = await host.exec(calls, 'follower-1:7');
    expect(retry.outcomes).toEqual(first.outcomes);
    // Its notices go out again: the first leader may have died before sending them.
    expect(retry.changes).toEqual(first.changes);
    const list = await host.exec([{ op: 'records.list', args: ['t', 0] }]);
    expect((list.outcomes[0] as { value: unknown[] }).value).toHaveLength(1);
    // A different key is a different call: the write-once put now fails.
    const other = await host.exec(calls, 'follower-1:8');
    expect(other.outcomes[1]).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    host.close();
  });

  it('re-runs the reads of a retried batch instead of replaying old answers', async () => {
    const host = await openHost();
    const calls = [
      { op: 'globals.upsert' as const, args: ['k', 1] },
      { op: 'globals.get' as const, args: ['k'] },
    ];
    await host.exec(calls, 'f:1');
    await host.exec([{ op: 'globals.upsert', args: ['k', 2] }]);
    const retry = await host.exec(calls, 'f:1');
    expect(retry.outcomes).toEqual([{ ok: true }, { ok: true, value: 2 }]);
    host.close();
  });

  it("announces a commit's row writes once per table, with the ids it touched, or none past the limit", async () => {
    const host = await openHost();
    const schema = { fields: { n: { type: 'integer' } } } as const;
    await host.exec([
      { op: 'tables.open', args: ['a', schema] },
      { op: 'tables.open', args: ['b', schema] },
    ]);
    const creates = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'create' as const, data: { n: i } }));
    const reply = await host.exec([
      { op: 'tables.batch', args: ['a', schema, creates(3)] },
      { op: 'tables.create', args: ['b', schema, { n: 0 }] },
      { op: 'tables.aliasCreate', args: ['a', schema, 'all', { where: {} }] },
      { op: 'tables.create', args: ['a', schema, { n: 3 }] },
    ]);
    const ids = (i: number) => (reply.outcomes[i] as { value: { id: string } | { id: string }[] }).value;
    const batchIds = (ids(0) as { id: string }[]).map((r) => r.id);
    const version = reply.changes[0]!.version;
    expect(reply.changes).toEqual([
      { module: 'table', key: 'a', ids: [...batchIds, (ids(3) as { id: string }).id], version },
      { module: 'table', key: 'b', id: (ids(1) as { id: string }).id, version },
      { module: 'table', key: 'a', alias: 'all', version },
    ]);
    const big = await host.exec([{ op: 'tables.batch', args: ['a', schema, creates(CARRIED_IDS_MAX + 1)] }]);
    expect(big.changes).toEqual([{ module: 'table', key: 'a', version: big.changes[0]!.version }]);
    host.close();
  });

  it('a write refused for lack of space fails alone; the rest of its batch lands', async () => {
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(':memory:', 'c');
    const engine = new Engine(new WasmDriver(sqlite3, db));
    // A database that may not grow past its current size plus a little: a full disk.
    const pages = Number(db.selectValue('PRAGMA page_count'));
    db.exec(`PRAGMA max_page_count = ${pages + 8}`);
    const reply = engine.exec([
      { op: 'outputs.put', args: ['r', 'a', 1] },
      { op: 'outputs.put', args: ['r', 'big', 'x'.repeat(2_000_000)] },
      { op: 'outputs.put', args: ['r', 'b', 3] },
    ]);
    expect(reply.outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(['ok', 'STORAGE_FULL', 'ok']);
    expect(engine.exec([{ op: 'outputs.keys', args: ['r'] }]).outcomes[0]).toEqual({ ok: true, value: ['a', 'b'] });
    engine.close();
  });
});
