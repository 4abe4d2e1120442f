import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { Json, LiveQuery, LiveValue, Row, Store, StoreError, StreamSummary } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { T, todos, type Todo } from '../support/tables-fixtures.js';

// Type-level checks run under `tsc --noEmit`; the queries also run, so the inferred types are checked against real values.
describe.each(backends)('live queries: types ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('infers the result type of store.live and of each shortcut', async () => {
    const store = await stores.open();
    const t = await todos(store);
    await t.create({ title: 'typed' });
    const q = store.live(async (s) => {
      expectTypeOf(s).toEqualTypeOf<Store>();
      const rows = await (await s.table<Todo>('items', T)).list();
      return { titles: rows.map((r) => r.data.title), n: rows.length };
    });
    expectTypeOf(q).toEqualTypeOf<LiveQuery<{ titles: string[]; n: number }>>();
    expectTypeOf(t.live()).toEqualTypeOf<LiveQuery<Row<Todo>[]>>();
    expectTypeOf(store.globals.live('k')).toEqualTypeOf<LiveQuery<Json | undefined>>();
    expectTypeOf(store.outputs.live('r')).toEqualTypeOf<LiveQuery<{ nodeId: string; value: Json }[]>>();
    expectTypeOf(store.streams.liveSummary('s')).toEqualTypeOf<LiveQuery<StreamSummary | undefined>>();
    expectTypeOf(q).toExtend<AsyncIterable<LiveValue<{ titles: string[]; n: number }>>>();
    expectTypeOf(q.subscribe(() => {})).toEqualTypeOf<() => void>();
    expectTypeOf(q.subscribe({ next() {} })).toEqualTypeOf<{ unsubscribe(): void }>();
    // A Svelte-style error callback is typed as the store's errors.
    q.subscribe(
      () => {},
      (err) => expectTypeOf(err).toEqualTypeOf<StoreError>(),
    )();
    // @ts-expect-error a table's live query takes that table's filters
    expect(() => t.live({ where: { colour: 'red' } })).toThrow('colour');

    for await (const { value, version } of q) {
      expectTypeOf(value.titles).toEqualTypeOf<string[]>();
      expectTypeOf(version).toEqualTypeOf<number>();
      expect(value).toStrictEqual({ titles: ['typed'], n: 1 });
      break;
    }
  });
});
