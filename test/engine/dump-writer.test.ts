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

/** Files in a map, whose flush() fails while `failFlush` is set. */
function memoryDir() {
  const files = new Map<string, string>();
  const state = { failFlush: false, writes: 0, flushes: 0 };
  const dir: DumpDir = {
    label: 'memory',
    ready: async () => {},
    write: async (file, text) => {
      state.writes++;
      files.set(file, text);
    },
    remove: async (file) => {
      files.delete(file);
    },
    flush: async () => {
      state.flushes++;
      if (state.failFlush) throw new Error('the directory could not be synced');
    },
  };
  return { dir, files, state };
}

async function setUp() {
  const sqlite3 = await loadSqlite();
  const engine = new Engine(new WasmDriver(sqlite3, new sqlite3.oo1.DB(':memory:', 'c')));
  const memory = memoryDir();
  const reported: DumpError[] = [];
  const writer = new DumpWriter(engine, { dbName: 'db', openPath: async () => memory.dir, report: (err) => reported.push(err) });
  const run = async (calls: Call[]) => {
    const reply = engine.exec(calls);
    await writer.afterBatch(calls, reply);
    return reply;
  };
  await run([{ op: 'tables.open', args: ['notes', schema, { dir: 'notes' }] }]);
  return { engine, writer, memory, reported, run };
}

const create = (title: string): Call => ({ op: 'tables.create', args: ['notes', schema, { title }] });
const touch: Call = { op: 'globals.upsert', args: ['k', 1] };

describe('dump files and their directory', () => {
  it('count as written once the directory is flushed: their marks go with the next commit', async () => {
    const { engine, memory, reported, run } = await setUp();
    await run([create('a')]);
    expect(memory.files.size).toBe(1);
    expect(memory.state.flushes).toBeGreaterThan(0);
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10)).toEqual([]);
    expect(reported).toEqual([]);
    engine.close();
  });

  it('stay marked when the directory cannot be flushed, reported as a DumpError, and are written again by the next reconcile', async () => {
    const { engine, writer, memory, reported, run } = await setUp();
    memory.state.failFlush = true;
    const reply = await run([create('a')]);
    const id = (reply.outcomes[0] as { value: { id: string } }).value.id;
    expect(reported.map((err) => err.rowIds)).toEqual([[id]]);
    expect(reported[0]!.message).toContain('the directory could not be synced');
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10).map((p) => p.id)).toEqual([id]);

    memory.state.failFlush = false;
    const writes = memory.state.writes;
    await writer.reconcileAll();
    expect(memory.state.writes).toBe(writes + 1);
    await run([touch]);
    expect(engine.pendingDumps('notes', 0, 10)).toEqual([]);
    engine.close();
  });
});
