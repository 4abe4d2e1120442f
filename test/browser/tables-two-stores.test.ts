import { afterEach, describe, expect, it } from 'vitest';
import { AmbiguousIdError, NotFoundError, openStore, ValidationError, type Change, type Store } from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';
import { sharedFirstChar, todos } from '../support/tables-fixtures.js';
import { autoStorage } from '../support/engine.js';

// A table used through a leader and a follower of one database in one page.
describe('tables through two stores of one database', () => {
  const open: Store[] = [];
  const pair = async () => {
    const name = uniqueName('tables-pair');
    for (let i = 0; i < 2; i++) open.push(await openStore({ name, storage: autoStorage }));
    const [leader, follower] = open.slice(-2) as [Store, Store];
    expect([leader.role, follower.role]).toEqual(['leader', 'follower']);
    return { leader, follower };
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('rows, prefixes, merges and aliases written through one are seen through the other', async () => {
    const { leader, follower } = await pair();
    const viaFollower = await todos(follower);
    const viaLeader = await todos(leader);
    const row = await viaFollower.create({ title: 'from follower', state: 'open' });
    expect(await viaLeader.get(row.id.slice(0, 8))).toStrictEqual(row);
    const merged = await viaLeader.update(row.id, { state: null });
    expect(await viaFollower.get(row.id)).toStrictEqual(merged);
    expect(merged.data).toStrictEqual({ title: 'from follower' });
    await viaFollower.aliases.create('all', { where: {} });
    expect((await viaLeader.aliases.run('all')).map((r) => r.id)).toEqual([row.id]);
  });

  it('errors raised for the follower keep their class and fields, batch index included', async () => {
    const { follower } = await pair();
    const t = await todos(follower);
    const { prefix, ids } = await sharedFirstChar(() => t.create({ title: 'x' }));
    const ambiguous = await t.get(prefix).catch((e: unknown) => e);
    expect(ambiguous).toBeInstanceOf(AmbiguousIdError);
    expect([...(ambiguous as AmbiguousIdError).candidates].sort()).toEqual(ids);
    const missing = await t
      .batch([
        { op: 'create', data: { title: 'undone' } },
        { op: 'delete', id: 'nonexistent-id' },
      ])
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).index).toBe(1);
    await expect(t.list({ where: { colour: 'red' } as never })).rejects.toBeInstanceOf(ValidationError);
    expect(await t.count()).toBe(17);
  });

  it('a write through the follower is announced to the leader', async () => {
    const { leader, follower } = await pair();
    const t = await todos(follower, 'watched');
    const seen = new Promise<Change>((resolve) => leader.onChange((c) => c.module === 'table' && resolve(c)));
    await t.create({ title: 'x' });
    expect(await seen).toMatchObject({ module: 'table', key: 'watched' });
  });
});
