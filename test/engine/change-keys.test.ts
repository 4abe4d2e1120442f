import { describe, expect, it } from 'vitest';
import { openHost } from '../support/engine-host.js';

// Below the facade, so the keys are read from the engine's reply rather than from a broadcast.
describe('change keys', () => {
  it('name entities of several ids as a JSON array, so no id can make two of them collide', async () => {
    const host = await openHost();
    try {
      const reply = await host.exec([
        { op: 'outputs.put', args: ['a/b', 'c', 1] },
        { op: 'outputs.put', args: ['a', 'b/c', 2] },
        { op: 'records.append', args: [{ taskId: 't/1', attempt: 0, producer: 'p', event: {} }] },
        { op: 'records.append', args: [{ taskId: 't', attempt: 10, producer: 'p', event: {} }] },
        { op: 'streams.append', args: ['s"', 2, 'event', 1, 'durable'] },
        { op: 'globals.upsert', args: ['g/1', 1] },
      ]);
      expect(reply.outcomes.every((o) => o.ok)).toBe(true);
      expect(reply.changes.map((c) => [c.module, c.key])).toEqual([
        ['outputs', '["a/b","c"]'],
        ['outputs', '["a","b/c"]'],
        ['records', '["t/1",0]'],
        ['records', '["t",10]'],
        ['streams', '["s\\"",2]'],
        // A global's key is one string already, so it is its own change key.
        ['globals', 'g/1'],
      ]);
    } finally {
      host.close();
    }
  });
});
