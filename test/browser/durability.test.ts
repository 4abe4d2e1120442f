import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, openStore, type Store } from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';
import { autoStorage, durableStorages, hasOpfsWorkers } from '../support/engine.js';

// Real worker, real storage: a new openStore starts a new worker that reopens the files.
describe.each(durableStorages)('durability on %s', (storage) => {
  const open: Store[] = [];
  const reopen = async (name: string) => {
    const store = await openStore({ name, storage });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('says which storage it uses and leads', async () => {
    const store = await reopen(uniqueName('kind'));
    expect(store.storage).toBe(storage);
    expect(store.role).toBe('leader');
  });

  it(`picks ${autoStorage} under storage "auto"`, async () => {
    const store = await openStore({ name: uniqueName('auto') });
    open.push(store);
    expect(store.storage).toBe(autoStorage);
  });

  it('keeps outputs, globals and records across close and reopen in a new worker', async () => {
    const name = uniqueName('reopen');
    const first = await reopen(name);
    await first.outputs.put('fr1', 'n1', 'flow1');
    await first.outputs.put('fr2', 'n2', { survived: true });
    await first.globals.upsert('g', [1, 2, 3]);
    const id = await first.records.append({ taskId: 'keep', attempt: 1, producer: 'p', event: 'e' });
    await first.close();

    const second = await reopen(name);
    expect(await second.outputs.get('fr1', 'n1')).toBe('flow1');
    expect(await second.outputs.get('fr2', 'n2')).toEqual({ survived: true });
    expect(await second.globals.get('g')).toEqual([1, 2, 3]);
    expect((await second.records.get(id)).taskId).toBe('keep');
  });

  it('keeps every resolved write when the worker is killed without close, and stays write-once', async () => {
    const name = uniqueName('crash');
    const first = await reopen(name);
    await first.outputs.put('r', 'n', 'written_but_not_completed');
    await Promise.all(Array.from({ length: 100 }, (_, i) => first.outputs.put('r', `bulk${i}`, i)));
    await first.simulateCrash();

    const second = await reopen(name);
    expect(await second.outputs.get('r', 'n')).toBe('written_but_not_completed');
    expect(await second.outputs.keys('r')).toHaveLength(101);
    await expect(second.outputs.put('r', 'n', 'retry')).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await second.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('rolls back a batch cut off by a crash mid-transaction: all of it or none of it', async () => {
    const name = uniqueName('midtx');
    const first = await reopen(name);
    await first.outputs.put('r', 'base', 1);
    // One batch of 20,000 puts; the worker is killed while it is (most likely) still writing it.
    const batch = Array.from({ length: 20_000 }, (_, i) =>
      first.outputs.put('big', `n${i}`, 'x'.repeat(200)).then(
        () => true,
        () => false,
      ),
    );
    await new Promise((r) => setTimeout(r, 0));
    await first.simulateCrash();
    const resolved = (await Promise.all(batch)).filter(Boolean).length;

    const second = await reopen(name);
    expect(await second.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await second.outputs.get('r', 'base')).toBe(1);
    const kept = (await second.outputs.keys('big')).length;
    expect([0, 20_000]).toContain(kept);
    expect(kept).toBeGreaterThanOrEqual(resolved); // nothing that resolved was lost
  });

  it('reopens a database that crashed before any write', async () => {
    const name = uniqueName('crash-empty');
    const first = await reopen(name);
    await first.simulateCrash();
    const second = await reopen(name);
    expect(await second.outputs.get('r', 'n')).toBeUndefined();
  });

  it('keeps databases of different names apart', async () => {
    const a = await reopen(uniqueName('iso'));
    const b = await reopen(uniqueName('iso'));
    await a.outputs.put('r', 'n', 'only in a');
    expect(await b.outputs.get('r', 'n')).toBeUndefined();
  });
});

// WebKitGTK has no OPFS workers: its IndexedDB images are whole-database saves, no journal.
if (hasOpfsWorkers) {
  describe('journal on OPFS', () => {
    it('runs WAL with synchronous FULL and exclusive locking', async () => {
      const store = await openStore({ name: uniqueName('wal'), storage: 'opfs' });
      try {
        expect(await store.inspect('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
        expect(await store.inspect('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
        expect(await store.inspect('PRAGMA locking_mode')).toEqual([{ locking_mode: 'exclusive' }]);
      } finally {
        await store.close();
      }
    });
  });
}
