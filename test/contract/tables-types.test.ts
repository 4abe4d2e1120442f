import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Alias, BatchOp, DumpError, DumpOptions, ListQuery, Patch, Row, Table, TableSchema, Where } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { T, type Todo } from '../support/tables-fixtures.js';

// Type-level checks run under `tsc --noEmit`; the calls also run, so they are checked at run time too.
describe.each(backends)('tables: types ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('types rows, patches, filters and batches from table<T>()', async () => {
    const store = await stores.open();
    const t = await store.table<Todo>('typed', T);
    expectTypeOf(t).toEqualTypeOf<Table<Todo>>();
    expectTypeOf(t.create).parameter(0).toEqualTypeOf<Todo>();
    expectTypeOf(t.get).returns.resolves.toEqualTypeOf<Row<Todo>>();
    expectTypeOf(t.list).parameter(0).toEqualTypeOf<ListQuery<Todo> | undefined>();
    expectTypeOf(t.count).parameter(0).toEqualTypeOf<Where<Todo> | undefined>();
    expectTypeOf(t.batch).returns.resolves.toEqualTypeOf<Array<Row<Todo> | null>>();
    expectTypeOf(t.aliases.get).returns.resolves.toEqualTypeOf<Alias<Todo>>();
    expectTypeOf<Patch<Todo>>().toEqualTypeOf<{ title?: string | null; state?: string | null }>();
    expectTypeOf<{ title: 'x' }>().toExtend<Where<Todo>>();
    expectTypeOf<{ title: { in: string[] }; state: null }>().toExtend<Where<Todo>>();
    expectTypeOf<{ title: { $param: 'p' } }>().toExtend<Where<Todo>>();
    expectTypeOf<{ title: 1 }>().not.toExtend<Where<Todo>>();
    expectTypeOf<{ colour: 'red' }>().not.toExtend<Where<Todo>>();
    expectTypeOf<{ op: 'update'; id: string; patch: { state: null } }>().toExtend<BatchOp<Todo>>();
    expectTypeOf<{ op: 'update'; id: string; patch: { state: 'x' }; mode: 'replace' }>().not.toExtend<BatchOp<Todo>>();
    expectTypeOf<{ fields: { a: { type: 'text' } } }>().not.toExtend<TableSchema>();
    expectTypeOf<{ fields: {}; dump: { dir: 'notes'; onDelete: 'remove' } }>().toExtend<TableSchema>();
    expectTypeOf<{ dir: 'notes'; sync: 'both' }>().not.toExtend<DumpOptions>();
    expectTypeOf(store.onDumpError).parameter(0).toEqualTypeOf<(error: DumpError) => void>();
    expectTypeOf(t.reconcileDump).returns.resolves.toEqualTypeOf<boolean>();

    const row = await t.create({ title: 'typed' });
    expectTypeOf(row.data.title).toEqualTypeOf<string>();
    const merged = await t.update(row.id, { state: 'open' });
    const replaced = await t.update(row.id, { title: 'whole' }, { mode: 'replace' });
    // @ts-expect-error replace takes a whole row: title is required
    await expect(t.update(row.id, { state: 'x' }, { mode: 'replace' })).rejects.toMatchObject({ path: 'title' });
    // @ts-expect-error a number is not a title
    await expect(t.create({ title: 1 })).rejects.toMatchObject({ path: 'title' });
    expect(merged.data).toStrictEqual({ title: 'typed', state: 'open' });
    expect(replaced.data).toStrictEqual({ title: 'whole' });
    expect((await t.list({ where: { title: 'whole' }, orderBy: 'title' })).map((r) => r.id)).toEqual([row.id]);
  });
});
