import { describe, expect, it } from 'vitest';
import { AmbiguousIdError, NotFoundError, ValidationError, type Change } from '../../src/index.js';
import { backends } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { S, sharedFirstChar, todos } from '../support/tables-fixtures.js';

describe.each(backends)('tables: atomic batches ($label)', (backend) => {
  // Every case works in a table of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  it('commits a one-op batch and resolves with the created row', async () => {
    const t = await todos(await shared(), freshName());
    const results = await t.batch([{ op: 'create', data: { title: 'committed' } }]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ data: { title: 'committed' } });
    expect(await t.get(results[0]!.id)).toStrictEqual(results[0]);
    expect(await t.count()).toBe(1);
  });

  it('applies creates, updates and deletes in order, with one result per op (delete -> null)', async () => {
    const t = await todos(await shared(), freshName());
    const keep = await t.create({ title: 'keep', state: 'open' });
    const drop = await t.create({ title: 'drop' });
    const results = await t.batch([
      { op: 'create', data: { title: 'new' } },
      { op: 'update', id: keep.id.slice(0, 8), patch: { state: 'closed' } },
      { op: 'update', id: keep.id, patch: { title: 'kept' }, mode: 'replace' },
      { op: 'delete', id: drop.id },
    ]);
    expect(results.map((r) => r?.data ?? null)).toEqual([{ title: 'new' }, { title: 'keep', state: 'closed' }, { title: 'kept' }, null]);
    expect(results[2]!.updatedAt).toBeGreaterThan(results[1]!.updatedAt);
    expect((await t.list()).map((r) => r.data.title).sort()).toEqual(['kept', 'new']);
  });

  it('sees its own earlier ops: a row created in the batch can be updated by a later op', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'a' });
    const [, deleted] = await t.batch([
      { op: 'update', id: row.id, patch: { state: 's' } },
      { op: 'delete', id: row.id },
    ]);
    expect(deleted).toBeNull();
    await expect(t.get(row.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rolls every op back when one fails validation, says which op, and the table stays usable', async () => {
    const t = await todos(await shared(), freshName());
    const err = await t
      .batch([
        { op: 'create', data: { title: 't' } },
        { op: 'create', data: { title: 42 } as never },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ index: 1, path: 'title' });
    expect((err as Error).message).toContain('Operation 1');
    expect(await t.list({ limit: 1000 })).toHaveLength(0);
    await t.create({ title: 'after-rollback' });
    expect(await t.list()).toHaveLength(1);
  });

  it('rolls back when an op fails in the engine (a merge with the stored row is invalid), keeping the error class', async () => {
    const store = await shared();
    const evolve = freshName('evolve');
    const old = await (await store.table(evolve, S({ title: { type: 'string', required: true } }))).create({ title: 'old' });
    const t = await store.table(evolve, S({ title: { type: 'string', required: true }, owner: { type: 'string', required: true } }));
    // Each op is valid alone; only the engine, merging into the stored row, finds `owner` missing.
    const err = await t
      .batch([
        { op: 'create', data: { title: 'undone', owner: 'me' } },
        { op: 'update', id: old.id, patch: { title: 'renamed' } },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ index: 1, path: 'owner' });
    expect(await t.count()).toBe(1);
    expect(await t.get(old.id)).toStrictEqual(old);
  });

  it('rolls back on a NotFoundError and says which op', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x' });
    const err = await t
      .batch([
        { op: 'delete', id: row.id },
        { op: 'create', data: { title: 'undone' } },
        { op: 'update', id: 'nonexistent-id', patch: { state: 'x' } },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).index).toBe(2);
    expect((err as Error).message).toContain('Operation 2');
    expect((await t.list()).map((r) => r.id)).toEqual([row.id]);
  });

  it('rolls back on an AmbiguousIdError and says which op', async () => {
    const t = await todos(await shared(), freshName());
    const { prefix, ids } = await sharedFirstChar(() => t.create({ title: 'x' }));
    const first = await t.get(ids[0]!);
    // An update first (a create could add a candidate of its own).
    const err = await t
      .batch([
        { op: 'update', id: ids[0]!, patch: { state: 'undone' } },
        { op: 'delete', id: prefix },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AmbiguousIdError);
    expect(err).toMatchObject({ index: 1, prefix });
    expect([...(err as AmbiguousIdError).candidates].sort()).toEqual(ids);
    expect(await t.get(ids[0]!)).toStrictEqual(first);
    expect(await t.count()).toBe(17);
  });

  it('announces a committed batch once: one change of its table for all its rows', async () => {
    const store = await shared();
    const name = freshName();
    const t = await todos(store, name);
    const seen: Change[] = [];
    let wake = () => {};
    const stop = store.onChange((c) => {
      if (c.key !== name) return;
      seen.push(c);
      wake();
    });
    try {
      await t.batch([1, 2, 3].map((i) => ({ op: 'create' as const, data: { title: `row-${i}` } })));
      // A later commit's change comes after every change before it: once it is here, the batch's all are.
      await t.create({ title: 'after' });
      await new Promise<void>((resolve) => {
        wake = () => seen.length > 0 && seen[seen.length - 1]!.version > seen[0]!.version && resolve();
        wake();
      });
      expect(seen.map((c) => [c.module, c.key])).toEqual([
        ['table', name],
        ['table', name],
      ]);
    } finally {
      stop();
    }
  });

  it('refuses malformed ops before sending, naming the op', async () => {
    const t = await todos(await shared(), freshName());
    await expect(t.batch([{ op: 'create', data: { title: 'a' } }, { op: 'upsert' } as never])).rejects.toMatchObject({
      index: 1,
      path: 'op',
    });
    await expect(t.batch([{ op: 'delete', id: '' }])).rejects.toMatchObject({ index: 0, path: 'id' });
    await expect(t.batch([{ op: 'update', id: 'x', patch: 5 as never }])).rejects.toMatchObject({ index: 0, path: '(root)' });
    await expect(t.batch('nope' as never)).rejects.toMatchObject({ path: 'ops' });
    expect(await t.batch([])).toEqual([]);
    expect(await t.count()).toBe(0);
  });

  it('does not let a failing batch undo another caller’s write made in the same tick', async () => {
    const t = await todos(await shared(), freshName());
    const [bad, good] = await Promise.allSettled([
      t.batch([
        { op: 'create', data: { title: 'a' } },
        { op: 'delete', id: 'nonexistent-id' },
      ]),
      t.create({ title: 'independent' }),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    expect((await t.list()).map((r) => r.data.title)).toEqual(['independent']);
  });
});

describe.each(backends)('tables: concurrency ($label)', (backend) => {
  // Every case works in a table of its own (freshName), so all share one store.
  const shared = sharedStore(backend);

  it('4 concurrent creates all succeed with distinct ids', async () => {
    const t = await todos(await shared(), freshName());
    const rows = await Promise.all(Array.from({ length: 4 }, (_, i) => t.create({ title: `task-${i}`, state: 'open' })));
    expect(new Set(rows.map((r) => r.id)).size).toBe(4);
    expect(await t.list()).toHaveLength(4);
  });

  it('a get and an update of one row at once both resolve', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'x' });
    const [got, updated] = await Promise.all([t.get(row.id), t.update(row.id, { title: 'updated', state: 'closed' }, { mode: 'replace' })]);
    expect(got.id).toBe(row.id);
    expect(updated.data).toStrictEqual({ title: 'updated', state: 'closed' });
  });

  it('8 concurrent creates give 8 rows', async () => {
    const t = await todos(await shared(), freshName());
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.create({ title: `row-${i}`, state: 'open' })));
    expect(await t.list()).toHaveLength(8);
  });

  it('8 tasks of 100 sequential creates each give 800 rows', async () => {
    const t = await todos(await shared(), freshName());
    const task = async (n: number) => {
      for (let i = 0; i < 100; i++) await t.create({ title: `task-${n}-row-${i}` });
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => task(n)));
    const rows = await t.list({ limit: 1000 });
    expect(rows).toHaveLength(800);
    expect(new Set(rows.map((r) => r.data.title)).size).toBe(800);
    expect(await t.count()).toBe(800);
  });

  it('4 tasks of 50 sequential updates of one row leave one valid row', async () => {
    const t = await todos(await shared(), freshName());
    const row = await t.create({ title: 'initial' });
    const task = async (n: number) => {
      let last = row.updatedAt;
      for (let i = 0; i < 50; i++) {
        const updated = await t.update(row.id, { title: `task-${n}-update-${i}` }, { mode: 'replace' });
        expect(updated.updatedAt).toBeGreaterThan(last);
        last = updated.updatedAt;
      }
    };
    await Promise.all(Array.from({ length: 4 }, (_, n) => task(n)));
    const rows = await t.list();
    expect(rows).toHaveLength(1);
    expect(typeof rows[0]!.data.title).toBe('string');
    expect(['task-0-update-49', 'task-1-update-49', 'task-2-update-49', 'task-3-update-49']).toContain(rows[0]!.data.title);
  });
});
