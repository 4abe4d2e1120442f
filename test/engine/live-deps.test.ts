import { describe, expect, it } from 'vitest';
import { dependencyOf } from '../../src/shared/read-deps.js';
import { ops, readOps } from '../../src/engine/ops/index.js';
import { ValidationError } from '../../src/index.js';
import type { OpName } from '../../src/shared/protocol.js';

// The page side keeps its own list of what each read depends on: it must cover every engine read, and only reads.
describe('live query dependencies', () => {
  it('are known for every operation marked as a read, and refused for every write', () => {
    for (const op of Object.keys(ops) as OpName[]) {
      if (readOps.has(op)) expect(typeof dependencyOf(op, ['a', 0]), op).toBe('function');
      else expect(() => dependencyOf(op, []), op).toThrow(ValidationError);
    }
  });

  it('match the notices of the key, run, attempt or row that was read, and no other', () => {
    const notice = { version: 1 } as const;
    const get = dependencyOf('outputs.get', ['r', 'n']);
    expect(get({ ...notice, module: 'outputs', key: '["r","n"]' })).toBe(true);
    expect(get({ ...notice, module: 'outputs', key: '["r","m"]' })).toBe(false);
    const keys = dependencyOf('outputs.keys', ['r']);
    expect(keys({ ...notice, module: 'outputs', key: '["r","x"]' })).toBe(true);
    expect(keys({ ...notice, module: 'outputs', key: '["r2","x"]' })).toBe(false);
    const row = dependencyOf('tables.get', ['t', 'abc']);
    expect(row({ ...notice, module: 'table', key: 't', id: 'abcdef' })).toBe(true);
    expect(row({ ...notice, module: 'table', key: 't', id: 'abxdef' })).toBe(false);
    expect(row({ ...notice, module: 'table', key: 'u', id: 'abcdef' })).toBe(false);
    // One notice for a commit's rows: any id of it, or none named (too many).
    expect(row({ ...notice, module: 'table', key: 't', ids: ['xyz', 'abcdef'] })).toBe(true);
    expect(row({ ...notice, module: 'table', key: 't', ids: ['xyz', 'abxdef'] })).toBe(false);
    expect(row({ ...notice, module: 'table', key: 't' })).toBe(true);
    const list = dependencyOf('tables.list', ['t', { fields: {} }, {}]);
    expect(list({ ...notice, module: 'table', key: 't', id: 'x' })).toBe(true);
    expect(list({ ...notice, module: 'table', key: 't', alias: 'saved' })).toBe(false);
    const summary = dependencyOf('streams.summary', ['s', 0]);
    const frame = { seq: 1, kind: 'event', data: '1', at: 0 };
    expect(summary({ ...notice, module: 'streams', key: '["s",0]', seq: 1, frame: { ...frame, mode: 'durable' } })).toBe(false);
    expect(summary({ ...notice, module: 'streams', key: '["s",0]', seq: 1, frame: { ...frame, mode: 'summary' } })).toBe(true);
    expect(summary({ ...notice, module: 'streams', key: '["s",0]', seq: 2 })).toBe(true);
    expect(summary({ ...notice, module: 'streams', key: '["s",0]' })).toBe(false);
    expect(dependencyOf('records.latest', ['p'])({ ...notice, module: 'records', key: '["t",0]', producer: 'q' })).toBe(false);
  });
});
