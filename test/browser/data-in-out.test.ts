import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, deleteStore, listStores, ValidationError, type Store } from '../../src/index.js';
import { openStore } from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';
import { durableStorages } from '../support/engine.js';
import { fillEveryModule, readEveryModule } from '../support/every-module.js';
import { collect } from '../support/live.js';

const usage = async () => (await navigator.storage.estimate()).usage ?? 0;

// Import from a follower, and deleting a database that two instances hold: store instances of one
// database in one page talk through the same Web Locks and BroadcastChannels as tabs do.
describe.each(durableStorages)('import and delete across store instances (%s)', (storage) => {
  const open: Store[] = [];
  const openOne = async (name: string) => {
    const store = await openStore({ name, storage });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("a follower's import reaches the leader's live queries and tails; deleteStore ends both instances and frees the space", async () => {
    const source = await openOne(uniqueName('source'));
    await fillEveryModule(source, 'src');
    const image = await source.export();
    const expected = await readEveryModule(source, 'src');

    const name = uniqueName('held');
    const leader = await openOne(name);
    const follower = await openOne(name);
    expect(follower.role).toBe('follower');
    await fillEveryModule(leader, 'old');
    const live = collect(leader.globals.live('shared'));
    await live.until((v) => JSON.stringify(v) === '{"tag":"old"}');
    const tail = leader.streams.tail('chat-src', { after: 0, blockMs: 20_000 });

    await follower.import(new Blob([image.slice().buffer]));
    expect((await tail).frames.map((f) => f.data)).toEqual(['Hel', { tokens: 3 }]);
    await live.until((v) => JSON.stringify(v) === '{"tag":"src"}');
    expect(await readEveryModule(leader, 'src')).toStrictEqual(expected);
    expect(await readEveryModule(follower, 'src')).toStrictEqual(expected);

    // Enough data that the space it takes shows in the estimate.
    await leader.streams.append('big', { data: new Uint8Array(2 * 1024 * 1024).fill(7) });
    expect(await listStores()).toEqual(expect.arrayContaining([name, source.name]));
    // WebKit has no navigator.storage.estimate() (and no OPFS): the space is checked where OPFS is.
    const before = storage === 'opfs' ? await usage() : 0;

    const pending = follower.globals.get('shared').then(
      (value) => value,
      (err: unknown) => err,
    );
    await deleteStore(name);
    await expect(live.ended).resolves.toBeUndefined(); // the live query completed with its store
    // A call made just before the delete was answered from the database, or ended with the store: never left hanging.
    const answered = await pending;
    if (!(answered instanceof ClosedError)) expect(answered).toEqual({ tag: 'src' });
    await expect(leader.globals.get('shared')).rejects.toBeInstanceOf(ClosedError);
    await expect(follower.outputs.keys('run-src')).rejects.toBeInstanceOf(ClosedError);
    expect(await listStores()).not.toContain(name);
    expect(await listStores()).toContain(source.name);
    if (storage === 'opfs') {
      expect(before - (await usage())).toBeGreaterThan(2 * 1024 * 1024);
      const pools = await (await navigator.storage.getDirectory()).getDirectoryHandle('.flowstore');
      const left: string[] = [];
      for await (const key of (pools as unknown as { keys(): AsyncIterable<string> }).keys()) left.push(key);
      expect(left.some((k) => k.startsWith(name.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32)))).toBe(false);
    }

    // The name starts afresh: nothing of the deleted database comes back.
    const reopened = await openOne(name);
    expect(await reopened.globals.get('shared')).toBeUndefined();
    expect(await reopened.streams.read('big')).toEqual({ frames: [] });
    expect(await listStores()).toContain(name);
  });

  it('deletes a database no instance holds, and refuses bad names and server options', async () => {
    const name = uniqueName('idle');
    const store = await openStore({ name, storage });
    await store.globals.put('k', 1);
    await store.close();
    expect(await listStores()).toContain(name);
    await deleteStore(name);
    await deleteStore(name); // already gone: not an error
    expect(await listStores()).not.toContain(name);
    const again = await openOne(name);
    expect(await again.globals.get('k')).toBeUndefined();
    await expect(deleteStore('a/b')).rejects.toBeInstanceOf(ValidationError);
    await expect(deleteStore(name, { path: './x.sqlite3' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'path' });
    await expect(listStores({ dir: '.' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'dir' });
  });
});

it('deleteStore ends an in-process store (worker: false) that holds an IndexedDB database', async () => {
  const name = uniqueName('in-process');
  const store = await openStore({ name, storage: 'idb', worker: false });
  await store.globals.put('k', 1);
  await deleteStore(name);
  await expect(store.globals.get('k')).rejects.toBeInstanceOf(ClosedError);
  const again = await openStore({ name, storage: 'idb', worker: false });
  expect(await again.globals.get('k')).toBeUndefined();
  await again.close();
});
