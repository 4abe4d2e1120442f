import { describe, expect, it } from 'vitest';
import { AmbiguousIdError, NotFoundError, ValidationError, type Row } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { sharedFirstChar, todos, type Todo } from '../support/tables-fixtures.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends)('tables: rows ($label)', (backend) => {
  // Every case works in a table of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  it('gets back what was created: a fresh UUID v4 id, the data exactly, createdAt = updatedAt', async () => {
    const t = await todos(await shared(), freshName());
    const before = Date.now();
    const row = await t.create({ title: 'hello', state: 'open' });
    expect(row.id).toMatch(UUID_V4);
    expect(row.createdAt).toBe(row.updatedAt);
    expect(row.createdAt).toBeGreaterThanOrEqual(before);
    expect(row.createdAt).toBeLessThanOrEqual(Date.now());
    const got = await t.get(row.id);
    expect(got).toStrictEqual(row);
    expect(got.data).toStrictEqual({ title: 'hello', state: 'open' });
  });

  it("returns rows that are the caller's own: changing the data passed in, or a returned row, changes nothing else", async () => {
    const t = await todos(await shared(), freshName());
    const data: Todo = { title: 'kept', state: 'open' };
    const [created, [inBatch, twice]] = await Promise.all([
      t.create(data),
      t.batch([
        { op: 'create', data },
        { op: 'create', data },
      ]),
    ]);
    data.title = 'changed by the caller';
    const updated = await t.update(created.id, { state: 'done' });
    for (const row of [created, inBatch!, twice!, updated]) {
      expect(row.data).not.toBe(data);
      expect(row.data.title).toBe('kept');
    }
    inBatch!.data.title = 'changed in a returned row';
    expect(twice!.data.title).toBe('kept');
    expect(created.data).toStrictEqual({ title: 'kept', state: 'open' });
    expect((await t.get(inBatch!.id)).data.title).toBe('kept');
  });

  it('returns a created or updated row as a read returns it, a -0 stored by JSON as 0 included', async () => {
    const t = await todos(await shared(), freshName());
    const created = await t.create({ title: 'zero', score: -0 } as Todo);
    expect(created).toStrictEqual(await t.get(created.id));
    const updated = await t.update(created.id, { score: -0 } as Partial<Todo>);
    expect(updated).toStrictEqual(await t.get(created.id));
  });

  it('gives every create its own id', async () => {
    const t = await todos(await shared(), freshName());
    const a = await t.create({ title: 'a' });
    const b = await t.create({ title: 'a' });
    expect(a.id).not.toBe(b.id);
  });

  it('lists one row after one create', async () => {
    const t = await todos(await shared(), freshName());
    await t.create({ title: 't1' });
    expect(await t.list()).toHaveLength(1);
    expect(await t.count()).toBe(1);
  });

  it('pages newest first with limit and offset', async () => {
    const t = await todos(await shared(), freshName());
    for (let i = 0; i < 5; i++) await t.create({ title: `item-${i}` });
    const page = async (offset: number) => (await t.list({ limit: 2, offset })).map((r) => r.data.title);
    expect(await page(0)).toEqual(['item-4', 'item-3']);
    expect(await page(2)).toEqual(['item-2', 'item-1']);
    expect(await page(4)).toEqual(['item-0']);
    expect(await page(5)).toEqual([]);
  });

  it('breaks ties of one millisecond by insertion order, both ways', async () => {
    const t = await todos(await shared(), freshName());
    // Made in one tick, they commit together and mostly share a millisecond; on a busy
    // machine (a cold JIT) a round may not, so rounds go on until two rows do.
    const made: Row<Todo>[] = [];
    const tied = () => new Set(made.map((r) => r.createdAt)).size < made.length;
    for (let round = 0; round < 20 && !tied(); round++) {
      made.push(...(await Promise.all(Array.from({ length: 30 }, (_, i) => t.create({ title: `r${round}-${i}` })))));
    }
    expect(tied()).toBe(true);
    const titles = made.map((r) => r.data.title);
    expect((await t.list({ limit: 1000 })).map((r) => r.data.title)).toEqual([...titles].reverse());
    expect((await t.list({ desc: false, limit: 1000 })).map((r) => r.data.title)).toEqual(titles);
  });

  it('defaults list() to 100 rows and allows up to 1000', async () => {
    const t = await todos(await shared(), freshName());
    await t.batch(Array.from({ length: 150 }, (_, i) => ({ op: 'create' as const, data: { title: `r${i}` } })));
    expect(await t.list()).toHaveLength(100);
    expect(await t.list({ limit: 1000 })).toHaveLength(150);
    expect(await t.list({ limit: 1 })).toHaveLength(1);
  });

  it.each([0, -1, 1001, 1.5, Number.NaN, '10'])('refuses limit %s with a ValidationError', async (limit) => {
    const t = await todos(await shared());
    await expect(t.list({ limit: limit as number })).rejects.toMatchObject({ code: 'VALIDATION', path: 'limit' });
  });

  it('refuses a negative or fractional offset', async () => {
    const t = await todos(await shared());
    await expect(t.list({ offset: -1 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'offset' });
    await expect(t.list({ offset: 0.5 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'offset' });
  });

  it('replace-updates a row: same id and createdAt, new data, updatedAt >= createdAt', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'original' });
    const updated = await t.update(row.id, { title: 'changed' }, { mode: 'replace' });
    expect(updated.id).toBe(row.id);
    expect(updated.createdAt).toBe(row.createdAt);
    expect(updated.data).toStrictEqual({ title: 'changed' });
    expect(updated.updatedAt).toBeGreaterThan(row.updatedAt);
    expect(await t.get(row.id)).toStrictEqual(updated);
  });

  it('increases updatedAt strictly on every update, even many in one millisecond', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x' });
    const sequential = [row.updatedAt];
    for (let i = 0; i < 10; i++) sequential.push((await t.update(row.id, { state: `s${i}` })).updatedAt);
    const together = await Promise.all(Array.from({ length: 20 }, (_, i) => t.update(row.id, { state: `c${i}` })));
    const times = [...sequential, ...together.map((r) => r.updatedAt)];
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
    expect((await t.get(row.id)).updatedAt).toBe(times.at(-1));
  });

  it('deletes a row: get then rejects with NotFoundError, and a second delete too', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'gone' });
    await expect(t.delete(row.id)).resolves.toBeUndefined();
    await expect(t.get(row.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(t.delete(row.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await t.count()).toBe(0);
  });

  it.each(['get', 'update', 'delete'] as const)(
    '%s of an unknown id (not a UUID) is a NotFoundError, not a ValidationError',
    async (method) => {
      const t = await todos(await shared(), freshName());
      await t.create({ title: 'other' });
      const call =
        method === 'get'
          ? t.get('nonexistent-id')
          : method === 'update'
            ? t.update('nonexistent-id', { title: 'x' }, { mode: 'replace' })
            : t.delete('nonexistent-id');
      const err = await call.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotFoundError);
      expect((err as Error).message).toContain('nonexistent-id');
      expect((await t.list()).map((r) => r.data)).toEqual([{ title: 'other' }]);
    },
  );

  it('refuses an empty id with a ValidationError', async () => {
    const t = await todos(await shared(), freshName());
    await expect(t.get('')).rejects.toMatchObject({ code: 'VALIDATION', path: 'id' });
    await expect(t.delete('')).rejects.toMatchObject({ code: 'VALIDATION', path: 'id' });
  });

  it('refuses a create without a required field, and writes nothing', async () => {
    const t = await todos(await shared(), freshName());
    const err = await t.create({ state: 'open' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ path: 'title' });
    expect(await t.count()).toBe(0);
  });

  it.each([
    ['a number for a string', { title: 42 }, 'title'],
    ['null for a required field', { title: null }, 'title'],
    ['null for an optional field', { title: 'x', state: null }, 'state'],
    ['a non-JSON value in an extra key', { title: 'x', when: new Date(0) }, 'when'],
    ['an array for the row', [{ title: 'x' }], '(root)'],
    ['a string for the row', 'x', '(root)'],
  ])('refuses %s with a ValidationError naming the path, and writes nothing', async (_label, data, path) => {
    const t = await todos(await shared(), freshName());
    await expect(t.create(data as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
    expect(await t.count()).toBe(0);
  });

  it('keeps keys the schema does not name, deep-equal', async () => {
    const t = await todos(await shared(), freshName());
    const data = { title: 't', extra: { nested: [1, 'two', null, { deep: true }] }, 'odd key': 1.5 };
    const row = await t.create(data);
    expect((await t.get(row.id)).data).toStrictEqual(data);
  });

  describe('id prefixes', () => {
    it('gets a row by a unique 8-character prefix, returning the full id', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'prefix-test' });
      const got = await t.get(row.id.slice(0, 8));
      expect(got.id).toBe(row.id);
      expect(got.data.title).toBe('prefix-test');
    });

    it('gets a row by its full 36-character id', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'full' });
      expect(row.id).toHaveLength(36);
      expect((await t.get(row.id)).id).toBe(row.id);
    });

    it('looks a full-length id up exactly, never as a prefix', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'full' });
      await expect(t.get(`${row.id.slice(0, 35)}z`)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.get(`${row.id}0`)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('rejects a prefix that matches nothing with NotFoundError', async () => {
      const t = await todos(await shared(), freshName());
      await expect(t.get('zzzzzzzz')).rejects.toBeInstanceOf(NotFoundError);
      await t.create({ title: 'x' });
      await expect(t.get('zzzzzzzz')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('matches case-sensitively', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'x' });
      const prefix = row.id.slice(0, 35);
      expect((await t.get(prefix)).id).toBe(row.id);
      // 35 hex characters all being digits is a one-in-ten-million chance.
      expect(prefix.toUpperCase()).not.toBe(prefix);
      await expect(t.get(prefix.toUpperCase())).rejects.toBeInstanceOf(NotFoundError);
    });

    it('rejects a prefix of two or more rows with AmbiguousIdError listing every candidate', async () => {
      const t = await todos(await shared(), freshName());
      const { prefix, ids } = await sharedFirstChar(() => t.create({ title: 'x' }));
      const err = await t.get(prefix).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AmbiguousIdError);
      expect((err as AmbiguousIdError).prefix).toBe(prefix);
      expect([...(err as AmbiguousIdError).candidates].sort()).toEqual(ids);
      expect((err as Error).message).toContain(ids[0]);
    });

    it('replace-updates by a unique prefix', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'before' });
      const updated = await t.update(row.id.slice(0, 8), { title: 'after' }, { mode: 'replace' });
      expect(updated.id).toBe(row.id);
      expect(updated.data.title).toBe('after');
      expect((await t.get(row.id)).data.title).toBe('after');
    });

    it('refuses to update by an ambiguous prefix, and changes no row', async () => {
      const t = await todos(await shared(), freshName());
      const { prefix, ids } = await sharedFirstChar(() => t.create({ title: 'x' }));
      const before = await t.list({ limit: 1000 });
      const err = await t.update(prefix, { title: 'changed' }, { mode: 'replace' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AmbiguousIdError);
      expect([...(err as AmbiguousIdError).candidates].sort()).toEqual(ids);
      expect(await t.list({ limit: 1000 })).toStrictEqual(before);
    });

    it('deletes by a unique prefix', async () => {
      const t = await todos(await shared(), freshName());
      const row = await t.create({ title: 'x' });
      await t.delete(row.id.slice(0, 8));
      await expect(t.get(row.id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses to delete by an ambiguous prefix, and every row stays', async () => {
      const t = await todos(await shared(), freshName());
      const { prefix, ids } = await sharedFirstChar(() => t.create({ title: 'x' }));
      await expect(t.delete(prefix)).rejects.toBeInstanceOf(AmbiguousIdError);
      for (const id of ids) expect((await t.get(id)).id).toBe(id);
      expect(await t.count()).toBe(17);
    });

    it('treats LIKE wildcards in a prefix as plain characters', async () => {
      const t = await todos(await shared(), freshName());
      await t.create({ title: 'x' });
      await t.create({ title: 'y' });
      for (const p of ['%', '_', '%%', '_%', '*', '?', '.']) await expect(t.get(p)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
