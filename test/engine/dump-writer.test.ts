import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { DumpWriter } from '../../src/engine/dump/dump-writer.js';
import type { DumpDir } from '../../src/engine/dump/dump-dir.js';
import { loadSqlite } from '../../src/engine/storage/load-sqlite.js';
import { WasmDriver } from '../../src/engine/storage/drivers/wasm.js';
import type { DumpError } from '../../src/shared/errors.js';
import type { Call } from '../../src/shared/protocol.js';

// The writer's side of a directory that cannot promise its names survive a power cut: a
// file counts as written only once the directory says so. The directory is an in-memory one
// of the test's own (the DumpDir seam); real directories are covered by the contract suite.

const schema = { fields: { title: { type: 'string' } } };

/** Files in a map, logging each call; flush() fails while `failFlush` is set, a write of `failFile` fails. */
function memoryDir() {
  const files = new Map<string, string>();
  const state = { failFlush: false, failFile: '', log: [] as string[] };
  const dir: DumpDir = {
    label: 'memory',
    ready: async () => {},
    write: async (file, text) => {
      state.log.push('write');
      if (file === state.failFile) throw new Error('the disk refused this file');
      files.set(file, text);
    },
    remove: async (file) => {
      state.log.push('remove');
      files.delete(file);
    },
    flush: async () => {
      state.log.push('flush');
      if (state.failFlush) throw new Error('the directory could not be synced');
    },
  };
  return { dir, files, state };
}

async function setUp(dump: Record<string, unknown> = { dir: 'notes' }) {
  const sqlite3 = await loadSqlite();
  const engine = new Engine(new WasmDriver(sqlite3, new sqlite3.oo1.DB(':memory:', 'c')));
  const memory = memoryDir();
  const reported: DumpError[] = [];
  const writer = new DumpWriter(engine, { dbName: 'db', openPath: async () => memory.dir, report: (err) => reported.push(err) });
  const run = async (calls: Call[]) => {
    const reply = engine.exec(calls);
    await writer.afterBatch(calls, reply);
    return reply.outcomes.map((o) => (o as { value: { id: string } }).value?.id);
  };
  await run([{ op: 'tables.open', args: ['notes', schema, dump] }]);
  memory.state.log = [];
  return { engine, writer, memory, reported, run };
}

const create = (title: string): Call => ({ op: 'tables.create', args: ['notes', schema, { title }] });
const remove = (id: string): Call => ({ op: 'tables.delete', args: ['notes', id] });
const touch: Call = { op: 'globals.upsert', args: ['k', 1] };

describe('dump files and their directory', () => {
  it('count as written once the directory is flushed after them: their marks go with the next commit', async () => {
    const { engine, memory, reported, run } = await setUp();
    await run([create('a'), create('b')]);
    expect(memory.files.size).toBe(2);
    expect(memory.state.log).toEqual(['write', 'write', 'flush']);
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10)).toEqual([]);
    expect(reported).toEqual([]);
    engine.close();
  });

  it('stay marked when the directory cannot be flushed, reported as a DumpError, and are written again by the next reconcile', async () => {
    const { engine, writer, memory, reported, run } = await setUp();
    memory.state.failFlush = true;
    const [id] = await run([create('a')]);
    expect(reported.map((err) => err.rowIds)).toEqual([[id]]);
    expect(reported[0]!.message).toContain('the directory could not be synced');
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10).map((p) => p.id)).toEqual([id]);

    memory.state.failFlush = false;
    memory.state.log = [];
    await writer.reconcileAll();
    expect(memory.state.log).toEqual(['write', 'flush']);
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10)).toEqual([]);
    engine.close();
  });

  it('name each row once, with its own cause, when one file fails and then the directory does', async () => {
    const { engine, memory, reported, run } = await setUp();
    const [a, b] = await run([create('a'), create('b')]);
    memory.state.failFile = `${a}.md`;
    memory.state.failFlush = true;
    await run([
      { op: 'tables.update', args: ['notes', schema, a, { title: 'a2' }, 'merge'] },
      { op: 'tables.update', args: ['notes', schema, b, { title: 'b2' }, 'merge'] },
    ]);
    expect(
      reported.map((err) => [err.rowIds, err.message.includes('refused this file'), err.message.includes('could not be synced')]),
    ).toEqual([
      [[a], true, false],
      [[b], false, true],
    ]);
    await run([touch]);
    expect(
      engine
        .pendingDumps('notes', 0, 10)
        .map((p) => p.id)
        .sort(),
    ).toEqual([a, b].sort());
    engine.close();
  });

  it('need no flush for a deleted row whose file is kept, and mark it done even when the directory cannot be flushed', async () => {
    const { engine, memory, reported, run } = await setUp();
    const [id] = await run([create('a')]);
    memory.state.failFlush = true;
    memory.state.log = [];
    await run([remove(id!)]);
    expect(memory.state.log).toEqual([]);
    expect(reported).toEqual([]);
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10)).toEqual([]);
    engine.close();
  });
});
