import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { S, todos } from '../support/tables-fixtures.js';

describe.each(backends)('tables: merge and replace updates ($label)', (backend) => {
  // Every case works in a table of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  const ab = S({ a: { type: 'number', required: true }, b: { type: 'number' } });

  it('merges by default: absent fields are kept', async () => {
    const t = await (await shared()).table(freshName(), ab);
    const row = await t.create({ a: 1, b: 2 });
    expect((await t.update(row.id, { a: 9 })).data).toStrictEqual({ a: 9, b: 2 });
    expect((await t.get(row.id)).data).toStrictEqual({ a: 9, b: 2 });
  });

  it('deletes an optional field given null: the key is gone, not stored as null', async () => {
    const t = await (await shared()).table(freshName(), ab);
    const row = await t.create({ a: 1, b: 2 });
    const updated = await t.update(row.id, { b: null });
    expect(updated.data).toStrictEqual({ a: 1 });
    const fresh = await t.get(row.id);
    expect(fresh.data.a).toBe(1);
    expect('b' in fresh.data).toBe(false);
  });

  it('deletes a key the schema does not name given null', async () => {
    const t = await (await shared()).table(freshName(), ab);
    const row = await t.create({ a: 1, extra: 'x' });
    expect((await t.update(row.id, { extra: null })).data).toStrictEqual({ a: 1 });
  });

  it('refuses null on a required field, naming it, and leaves the row unchanged', async () => {
    const t = await (await shared()).table(freshName(), S({ title: { type: 'string', required: true } }));
    const row = await t.create({ title: 'hello' });
    const err = await t.update(row.id, { title: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe('title');
    expect((err as ValidationError).reason).toContain('required field cannot be deleted via null');
    expect(await t.get(row.id)).toStrictEqual(row);
  });

  it('replaces a nested object whole (the merge is shallow)', async () => {
    const t = await (await shared()).table(freshName(), S({ cfg: { type: 'object' } }));
    const row = await t.create({ cfg: { x: 1, y: 2 } });
    const updated = await t.update(row.id, { cfg: { x: 9 } });
    expect(updated.data).toStrictEqual({ cfg: { x: 9 } });
    expect((await t.get(row.id)).data.cfg).toStrictEqual({ x: 9 });
  });

  it.each([
    ['an array', [1, 2, 3]],
    ['a number', 42],
    ['a string', 'string'],
    ['null', null],
  ])('refuses %s as a merge patch with path "(root)", and leaves the row unchanged', async (_label, patch) => {
    const t = await (await shared()).table(freshName(), S({}));
    const row = await t.create({ a: 1 });
    const err = await t.update(row.id, patch as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe('(root)');
    expect(await t.get(row.id)).toStrictEqual(row);
  });

  it('validates the whole merged row: a wrong type in the patch is refused', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x', state: 'open' });
    await expect(t.update(row.id, { state: 42 } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'state' });
    expect(await t.get(row.id)).toStrictEqual(row);
  });

  it('validates the merged row against the stored one, in the engine (old row missing a now-required field)', async () => {
    const store = await shared();
    const evolve = freshName('evolve');
    const v1 = await store.table(evolve, S({ title: { type: 'string', required: true } }));
    const row = await v1.create({ title: 'old' });
    const v2 = await store.table(evolve, S({ title: { type: 'string', required: true }, owner: { type: 'string', required: true } }));
    // The patch alone is fine; only the merge with the stored row lacks `owner`.
    await expect(v2.update(row.id, { title: 'new' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'owner' });
    expect((await v2.get(row.id)).data).toStrictEqual({ title: 'old' });
    expect((await v2.update(row.id, { owner: 'me' })).data).toStrictEqual({ title: 'old', owner: 'me' });
  });

  it('replace drops every field not given', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x', state: 'open' });
    const updated = await t.update(row.id, { title: 'y' }, { mode: 'replace' });
    expect(updated.data).toStrictEqual({ title: 'y' });
  });

  it('replace validates the new row as a create would', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x', state: 'open' });
    await expect(t.update(row.id, { state: 'closed' } as never, { mode: 'replace' })).rejects.toMatchObject({
      code: 'VALIDATION',
      path: 'title',
    });
    expect(await t.get(row.id)).toStrictEqual(row);
  });

  it('refuses an unknown mode', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x' });
    await expect(t.update(row.id, { title: 'y' }, { mode: 'deep' } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'mode' });
  });

  it('answers an unknown id before looking at the patch (merge)', async () => {
    const t = await todos(await shared(), freshName());
    await expect(t.update('nonexistent-id', { state: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a "__proto__" key as data and does not touch the prototype', async () => {
    const t = await (await shared()).table(freshName(), S({}));
    const row = await t.create({ a: 1 });
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
    const updated = await t.update(row.id, patch);
    expect(Object.getPrototypeOf(updated.data)).toBe(Object.prototype);
    expect(Object.hasOwn(updated.data, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify((await t.get(row.id)).data)).toBe('{"a":1,"__proto__":{"polluted":true}}');
  });
});
