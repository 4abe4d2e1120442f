import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeKey } from '../../src/shared/change-key.js';
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

  it('are exactly the JSON array of their parts, whatever the parts hold', () => {
    // Quotes, backslashes, control characters, lone and paired surrogates, and every kind of number.
    const text = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"', '\\', '\u0000', '\u001f', '\ud800', '\udc00x', '\u{1f600}', '\u2028'),
    );
    const part = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 1e21, 2 ** 53));
    fc.assert(
      fc.property(text, part, (first, second) => {
        expect(changeKey(first, second)).toBe(JSON.stringify([first, second]));
      }),
      { seed: 12, numRuns: 2000 },
    );
  });
});
