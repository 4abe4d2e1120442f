import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHUNK } from '../../src/engine/storage/page-file.js';
import { durableObjectStandIn } from '../support/durable-object-standin.js';
import { idb, refuseOver } from '../support/idb-saves-fake.js';

// Fault injection for the host's IndexedDB-fallback logic: the saver (our own
// idb-saves.ts) is replaced by maps that refuse saves over a size, so saves
// fail on demand. What is tested is the host's retry logic, not IndexedDB.
vi.mock('../../src/engine/storage/idb-saves.js', async () => (await import('../support/idb-saves-fake.js')).fakeSaves);

const { openHost } = await import('../support/engine-host.js');
const { createEngineHost } = await import('../../src/engine/engine-host.js');
const { openServerStorage } = await import('../../src/engine/storage/server-storage.js');
type Host = Awaited<ReturnType<typeof openHost>>;

const outcomeCodes = (reply: { outcomes: { ok: boolean; error?: { code: string } }[] }) =>
  reply.outcomes.map((o) => (o.ok ? 'ok' : o.error!.code));
const append = (n: number) => ({ op: 'records.append' as const, args: [{ taskId: 't', attempt: 0, producer: 'p', event: { n } }] });

async function records(host: Host): Promise<unknown[]> {
  const reply = await host.exec([{ op: 'records.list', args: ['t', 0] }]);
  return (reply.outcomes[0] as { value: unknown[] }).value;
}

describe('a forwarded batch retried after a hand-over, when IndexedDB saves fail', () => {
  // Only the saver is replaced; the host looks for IndexedDB before choosing the fallback.
  beforeAll(() => vi.stubGlobal('indexedDB', {}));
  afterAll(() => vi.unstubAllGlobals());

  /** A database saved once, and a limit that leaves room for small writes only. */
  async function squeezed(): Promise<{ name: string; host: Host }> {
    idb.failSave = undefined;
    const name = `saves-${Math.random()}`;
    const host = await openHost(name, 'idb');
    await host.exec([{ op: 'globals.upsert', args: ['warm', 1] }]);
    // A small write changes a few chunks; the big one below changes more than six.
    idb.failSave = refuseOver(6 * CHUNK);
    return { name, host };
  }

  it('applies the part saved before once, and answers it with its first outcome', async () => {
    const { name, host } = await squeezed();
    const calls = [append(1), { op: 'globals.upsert' as const, args: ['big', 'x'.repeat(200_000)] }];
    const first = await host.exec(calls, 'follower:1');
    expect(outcomeCodes(first)).toEqual(['ok', 'STORAGE_FULL']);
    await host.close();
    // The follower did not hear back and re-sends the same batch, with its key, to the next leader.
    const next = await openHost(name, 'idb');
    const retry = await next.exec(calls, 'follower:1');
    expect(retry.outcomes[0]).toEqual(first.outcomes[0]);
    expect(outcomeCodes(retry)).toEqual(['ok', 'STORAGE_FULL']);
    expect(await records(next)).toHaveLength(1);
    await next.close();
  });

  it('answers a batch that was applied and saved from its memo, even when saving is impossible now', async () => {
    const { name, host } = await squeezed();
    const calls = [append(1), { op: 'outputs.put' as const, args: ['r', 'n', 1] }];
    const first = await host.exec(calls, 'follower:2');
    expect(outcomeCodes(first)).toEqual(['ok', 'ok']);
    await host.close();
    idb.failSave = refuseOver(0);
    const next = await openHost(name, 'idb');
    const retry = await next.exec(calls, 'follower:2');
    expect(retry.outcomes).toEqual(first.outcomes);
    const single = await next.exec([append(2)], 'follower:3');
    expect(outcomeCodes(single)).toEqual(['STORAGE_FULL']);
    expect(await records(next)).toHaveLength(1);
    await next.close();
  });

  it('answers a single keyed call that was applied and saved, without saving again', async () => {
    const { name, host } = await squeezed();
    const first = await host.exec([append(1)], 'follower:4');
    expect(outcomeCodes(first)).toEqual(['ok']);
    await host.close();
    idb.failSave = refuseOver(0);
    const next = await openHost(name, 'idb');
    expect((await next.exec([append(1)], 'follower:4')).outcomes).toEqual(first.outcomes);
    expect(await records(next)).toHaveLength(1);
    await next.close();
  });
});

describe('a Durable Object whose sync() fails', () => {
  it('rejects the calls of that batch with a StorageError, and never runs them again', async () => {
    let refuse = false;
    const storage = durableObjectStandIn(() => refuse);
    const host = createEngineHost({ server: { open: openServerStorage } });
    await host.open({ name: 'object', storage: 'durable-object', durableObject: storage });
    await host.exec([append(0)]);
    refuse = true;
    const failed = await host.exec([append(1), append(2)]);
    expect(outcomeCodes(failed)).toEqual(['STORAGE', 'STORAGE']);
    expect((failed.outcomes[0] as { error: { message: string } }).error.message).toContain('could not make this write durable');
    refuse = false;
    // The object keeps what it wrote until it restarts: each append once, none run twice.
    expect((await records(host)).map((r) => (r as { event: { n: number } }).event.n)).toEqual([0, 1, 2]);
    await host.close();
  });
});
