import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { todos } from '../support/tables-fixtures.js';

describe.each(backends)('tables: aliases ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  const shared = sharedStore(backend);

  it('round-trips an alias: name, where, limit and description; params absent', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('recent_open', { where: { state: 'open' }, limit: 20, description: 'desc' });
    const alias = await t.aliases.get('recent_open');
    expect(alias).toStrictEqual({ name: 'recent_open', where: { state: 'open' }, limit: 20, description: 'desc' });
    expect('params' in alias).toBe(false);
  });

  it('leaves optional parts absent when they were not given', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('no_opts', { where: { state: { eq: 'open' } } });
    const alias = await t.aliases.get('no_opts');
    expect(alias.name).toBe('no_opts');
    expect(alias.where).toStrictEqual({ state: { eq: 'open' } });
    expect(alias.limit).toBeUndefined();
    expect(alias.description).toBeUndefined();
    expect(Object.keys(alias).sort()).toEqual(['name', 'where']);
  });

  it('lists aliases by name ascending, whatever the creation order', async () => {
    const t = await todos(await shared(), freshName());
    expect(await t.aliases.list()).toEqual([]);
    await t.aliases.create('b_alias', { where: {} });
    await t.aliases.create('a_alias', { where: { state: 'x' } });
    const list = await t.aliases.list();
    expect(list.map((a) => a.name)).toEqual(['a_alias', 'b_alias']);
    expect(list[0]!.where).toStrictEqual({ state: 'x' });
  });

  it('deletes an alias; get then rejects with NotFoundError naming it', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('to_delete', { where: {} });
    await expect(t.aliases.delete('to_delete')).resolves.toBeUndefined();
    const err = await t.aliases.get('to_delete').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain('to_delete');
    expect(await t.aliases.list()).toEqual([]);
  });

  it('refuses a second create of a name with AlreadyExistsError and keeps the first definition', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('dup', { where: { state: 'first' } });
    const err = await t.aliases.create('dup', { where: { state: 'second' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect((err as Error).message).toContain('dup');
    expect((await t.aliases.get('dup')).where).toStrictEqual({ state: 'first' });
  });

  it('rejects get and delete of an unknown alias with NotFoundError naming it', async () => {
    const t = await todos(await shared(), freshName());
    for (const call of [t.aliases.get('nonexistent'), t.aliases.delete('nonexistent'), t.aliases.run('nonexistent')]) {
      const err = await call.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as Error).message).toContain('nonexistent');
    }
  });

  it('scopes aliases to their table, in one database and across databases', async () => {
    const store = await stores.open();
    const a = await todos(store, 'a');
    const b = await todos(store, 'b');
    const other = await todos(await stores.open(), 'a');
    await a.aliases.create('shared_name', { where: { state: 'a' } });
    await expect(b.aliases.get('shared_name')).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.aliases.get('shared_name')).rejects.toBeInstanceOf(NotFoundError);
    await b.aliases.create('shared_name', { where: { state: 'b' } });
    expect((await a.aliases.get('shared_name')).where).toStrictEqual({ state: 'a' });
    expect((await b.aliases.get('shared_name')).where).toStrictEqual({ state: 'b' });
  });

  it('treats alias names case-sensitively', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('Open', { where: { state: 'open' } });
    await t.aliases.create('open', { where: { state: 'OPEN' } });
    expect((await t.aliases.list()).map((a) => a.name)).toEqual(['Open', 'open']);
  });

  it('runs an alias: its filter, newest first, its limit unless run gives one', async () => {
    const t = await todos(await shared(), freshName());
    for (let i = 0; i < 5; i++) await t.create({ title: `o${i}`, state: 'open' });
    await t.create({ title: 'c', state: 'closed' });
    await t.aliases.create('recent_open', { where: { state: 'open' }, limit: 2 });
    expect((await t.aliases.run('recent_open')).map((r) => r.data.title)).toEqual(['o4', 'o3']);
    expect((await t.aliases.run('recent_open', {}, { limit: 10 })).map((r) => r.data.title)).toEqual(['o4', 'o3', 'o2', 'o1', 'o0']);
    expect((await t.aliases.run('recent_open', undefined, { limit: 2, offset: 2 })).map((r) => r.data.title)).toEqual(['o2', 'o1']);
    await t.aliases.create('all', { where: {} });
    expect(await t.aliases.run('all')).toHaveLength(6);
  });

  it('binds $param placeholders from run params, as whole values and as operands', async () => {
    const store = await shared();
    const t = await store.table(freshName('tasks'), {
      fields: { title: { type: 'string', required: true }, owner: { type: 'string' }, prio: { type: 'integer' } },
    });
    await t.create({ title: 'a', owner: 'ann', prio: 1 });
    await t.create({ title: 'b', owner: 'ann', prio: 5 });
    await t.create({ title: 'c', owner: 'bob', prio: 9 });
    await t.aliases.create('mine_above', {
      where: { owner: { $param: 'who' }, prio: { gte: { $param: 'min' } } },
      params: ['who', 'min'],
      description: 'tasks of one owner from a priority up',
    });
    expect((await t.aliases.get('mine_above')).params).toEqual(['who', 'min']);
    expect((await t.aliases.run('mine_above', { who: 'ann', min: 2 })).map((r) => r.data.title)).toEqual(['b']);
    expect((await t.aliases.run('mine_above', { who: 'bob', min: 0 })).map((r) => r.data.title)).toEqual(['c']);
    await t.aliases.create('owners', { where: { owner: { in: { $param: 'who' } } }, params: ['who'] });
    expect((await t.aliases.run('owners', { who: ['ann', 'bob'] })).map((r) => r.data.title)).toEqual(['c', 'b', 'a']);
  });

  it('refuses run with a missing or an undeclared param, or a value of the wrong type', async () => {
    const t = await todos(await shared(), freshName());
    await t.aliases.create('by_state', { where: { state: { $param: 's' } }, params: ['s'] });
    await expect(t.aliases.run('by_state')).rejects.toMatchObject({ code: 'VALIDATION', path: 'params.s' });
    await expect(t.aliases.run('by_state', { s: 'open', extra: 1 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'params.extra' });
    await expect(t.aliases.run('by_state', { s: 42 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'where.state.eq' });
    await t.aliases.create('plain', { where: {} });
    await expect(t.aliases.run('plain', { s: 'x' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('binds a whole-value param as equality, so a param cannot smuggle in operators', async () => {
    const t = await todos(await shared(), freshName());
    await t.create({ title: 'x', state: 'open' });
    await t.aliases.create('by_state', { where: { state: { $param: 's' } }, params: ['s'] });
    await expect(t.aliases.run('by_state', { s: { ne: 'nothing' } })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await t.aliases.run('by_state', { s: 'open' })).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['an undeclared placeholder', { where: { state: { $param: 's' } } }, 'where'],
    ['an unknown field', { where: { colour: 'red' } }, 'where.colour'],
    ['a limit over 1000', { where: {}, limit: 1001 }, 'limit'],
    ['a limit of 0', { where: {}, limit: 0 }, 'limit'],
    ['no where', { limit: 5 }, 'where'],
    ['a duplicate param', { where: {}, params: ['a', 'a'] }, 'params'],
    ['a description that is not a string', { where: {}, description: 5 }, 'description'],
    ['an unknown key', { where: {}, filter: {} }, 'filter'],
  ])('refuses to create an alias with %s, and stores nothing', async (_label, def, path) => {
    const t = await todos(await shared(), freshName());
    await expect(t.aliases.create('bad', def as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    expect(await t.aliases.list()).toEqual([]);
  });

  it('refuses an empty alias name', async () => {
    const t = await todos(await shared(), freshName());
    await expect(t.aliases.create('', { where: {} })).rejects.toMatchObject({ code: 'VALIDATION', path: 'alias' });
    await expect(t.aliases.get('')).rejects.toMatchObject({ code: 'VALIDATION', path: 'alias' });
  });
});
