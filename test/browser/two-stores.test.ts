import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, openStore, StorageError, type Store } from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';
import { autoStorage } from '../support/engine.js';

// Two store instances of one database in one page: the first owns the files
// (leader), the second forwards its calls to it (follower).
describe('two stores of one database', () => {
  const open: Store[] = [];
  const openOne = async (name: string) => {
    const store = await openStore({ name, storage: autoStorage });
    open.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('both read and write, and errors in the follower keep their class', async () => {
    const name = uniqueName('pair');
    const a = await openOne(name);
    const b = await openOne(name);
    expect(a.role).toBe('leader');
    expect(b.role).toBe('follower');
    expect(b.storage).toBe(autoStorage);
    await a.outputs.put('r', 'n', 'from a');
    expect(await b.outputs.get('r', 'n')).toBe('from a');
    await b.globals.put('g', 'from b');
    expect(await a.globals.get('g')).toBe('from b');
    const dup = b.outputs.put('r', 'n', 'again');
    await expect(dup).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(b.records.get('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('write-once holds across instances under concurrency: exactly one put wins', async () => {
    const name = uniqueName('race');
    const a = await openOne(name);
    const b = await openOne(name);
    const results = await Promise.allSettled([a.outputs.put('r', 'n', 'a'), b.outputs.put('r', 'n', 'b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results[0]!.status === 'fulfilled' ? 'a' : 'b';
    expect(await a.outputs.get('r', 'n')).toBe(winner);
  });

  it('refuses a second instance that asks for other storage than the leader uses', async () => {
    const name = uniqueName('mismatch');
    await openOne(name);
    const asked = autoStorage === 'opfs' ? 'idb' : 'opfs';
    const other = openStore({ name, storage: asked });
    await expect(other).rejects.toBeInstanceOf(StorageError);
    await expect(other).rejects.toThrow(`storage "${autoStorage}", not "${asked}"`);
    const auto = await openStore({ name });
    open.push(auto);
    expect(auto.storage).toBe(autoStorage);
  });

  it('onChange fires in the other instance after a commit', async () => {
    const name = uniqueName('notice');
    const a = await openOne(name);
    const b = await openOne(name);
    const seen = new Promise((resolve) => b.onChange(resolve));
    await a.globals.upsert('k', 1);
    expect(await seen).toMatchObject({ module: 'globals', key: 'k' });
  });

  it('when the leader closes, the follower takes over with the data intact', async () => {
    const name = uniqueName('handover');
    const a = await openOne(name);
    const b = await openOne(name);
    await b.outputs.put('r', 'before', 1);
    const promoted = new Promise((resolve) => b.onRoleChange(resolve));
    await a.close();
    expect(await promoted).toBe('leader');
    expect(b.role).toBe('leader');
    expect(await b.outputs.get('r', 'before')).toBe(1);
    await b.outputs.put('r', 'after', 2);
    expect(await b.outputs.keys('r')).toEqual(['before', 'after']);
  });
});
