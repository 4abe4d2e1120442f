import { describe, expect, it } from 'vitest';
import { createEngineHost } from '../../src/worker/host.js';

// The engine in-process, below the facade: group commit and exactly-once retries.
async function openHost() {
  const host = createEngineHost();
  await host.open({ name: `engine-${Math.random()}`, storage: 'memory' });
  return host;
}

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
    expect(reply.changes.map((c) => c.key)).toEqual(['r/a', 'r/b']);
    expect(new Set(reply.changes.map((c) => c.version)).size).toBe(1);
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
    expect(retry.changes).toEqual([]);
    const list = await host.exec([{ op: 'records.list', args: ['t', 0] }]);
    expect((list.outcomes[0] as { value: unknown[] }).value).toHaveLength(1);
    // A different key is a different call: the write-once put now fails.
    const other = await host.exec(calls, 'follower-1:8');
    expect(other.outcomes[1]).toMatchObject({ ok: false, error: { code: 'ALREADY_EXISTS' } });
    host.close();
  });

  it('keeps bytes as bytes in a remembered reply', async () => {
    const host = await openHost();
    const image = await host.exec([{ op: 'db.export', args: [] }, { op: 'globals.upsert', args: ['k', 1] }], 'f:1');
    const again = await host.exec([{ op: 'db.export', args: [] }, { op: 'globals.upsert', args: ['k', 1] }], 'f:1');
    const bytes = (again.outcomes[0] as { value: unknown }).value;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes).toEqual((image.outcomes[0] as { value: unknown }).value);
    host.close();
  });
});
