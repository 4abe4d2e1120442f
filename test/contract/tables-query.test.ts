import { afterEach, describe, expect, it } from 'vitest';
import type { Store, TableSchema, Where } from '../../src/index.js';
import { normalizeQuery } from '../../src/shared/table-query.js';
import { listSql } from '../../src/engine/table-sql.js';
import { backends, Stores } from '../support/backends.js';
import { sharedStore } from '../support/shared-store.js';

const schema = {
  fields: {
    name: { type: 'string', required: true },
    n: { type: 'integer', required: true },
    score: { type: 'number' },
    done: { type: 'boolean' },
    tags: { type: 'array' },
    meta: { type: 'object' },
  },
} satisfies TableSchema;

type Item = { name: string; n: number; score?: number; done?: boolean; tags?: string[]; meta?: { [k: string]: string } };

const items: Item[] = [
  { name: 'apple', n: 1, score: 0.5, done: true, tags: ['red', 'fruit'] },
  { name: 'banana', n: 2, score: 2.5, done: false, tags: ['yellow', 'fruit'] },
  { name: 'cherry', n: 3, done: true, tags: ['red'] },
  { name: 'date', n: 4, score: -1 },
  { name: 'pineapple', n: 5, score: 10, done: false, meta: { origin: 'x' } },
];

async function filled(store: Store) {
  const t = await store.table<Item>('fruit', schema);
  for (const item of items) await t.create(item);
  return t;
}

describe.each(backends)('tables: filters, order and count ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  const shared = sharedStore(backend);
  let fruit: ReturnType<typeof filled> | undefined;
  // The filter and refusal cases only read, so they share one filled table.
  const sharedFruit = () => (fruit ??= shared().then(filled));

  it.each<[string, Where<Item>, string[]]>([
    ['equality', { name: 'banana' }, ['banana']],
    ['eq', { n: { eq: 3 } }, ['cherry']],
    ['eq on a boolean', { done: true }, ['apple', 'cherry']],
    ['eq false (absent is not false)', { done: { eq: false } }, ['banana', 'pineapple']],
    ['null: the field is absent', { score: null }, ['cherry']],
    ['ne, which keeps rows without the field', { done: { ne: true } }, ['banana', 'date', 'pineapple']],
    ['ne null: the field is present', { score: { ne: null } }, ['apple', 'banana', 'date', 'pineapple']],
    ['gt', { n: { gt: 3 } }, ['date', 'pineapple']],
    ['gte', { n: { gte: 3 } }, ['cherry', 'date', 'pineapple']],
    ['lt on a real', { score: { lt: 1 } }, ['apple', 'date']],
    ['lte', { n: { lte: 2 } }, ['apple', 'banana']],
    ['a range (operators ANDed)', { n: { gt: 1, lt: 5 } }, ['banana', 'cherry', 'date']],
    ['an integer field compared with a fraction', { n: { gt: 2.5 } }, ['cherry', 'date', 'pineapple']],
    ['string order', { name: { gte: 'c', lt: 'p' } }, ['cherry', 'date']],
    ['in', { name: { in: ['apple', 'date', 'kiwi'] } }, ['apple', 'date']],
    ['in on booleans', { done: { in: [false] } }, ['banana', 'pineapple']],
    ['in with no values', { name: { in: [] } }, []],
    ['contains on a string (a substring)', { name: { contains: 'apple' } }, ['apple', 'pineapple']],
    ['contains is case-sensitive and literal', { name: { contains: 'APP' } }, []],
    ['contains % is not a wildcard', { name: { contains: '%' } }, []],
    ['contains on an array (an element)', { tags: { contains: 'red' } }, ['apple', 'cherry']],
    ['several fields, ANDed', { tags: { contains: 'fruit' }, done: false }, ['banana']],
    ['nothing matches', { name: 'kiwi' }, []],
    ['an empty where', {}, ['apple', 'banana', 'cherry', 'date', 'pineapple']],
  ])('filters with %s', async (_label, where, expected) => {
    const t = await sharedFruit();
    const rows = await t.list({ where, orderBy: 'n', desc: false });
    expect(rows.map((r) => r.data.name)).toEqual(expected);
    expect(await t.count(where)).toBe(expected.length);
  });

  it('counts every row without a where', async () => {
    const t = await sharedFruit();
    expect(await t.count()).toBe(5);
    expect(await t.count({})).toBe(5);
  });

  it('pages a filtered list', async () => {
    const t = await sharedFruit();
    const page = await t.list({ where: { n: { gt: 1 } }, orderBy: 'n', desc: false, limit: 2, offset: 1 });
    expect(page.map((r) => r.data.name)).toEqual(['cherry', 'date']);
  });

  it('orders by a field, either way, absent values last when descending', async () => {
    const t = await sharedFruit();
    expect((await t.list({ orderBy: 'score' })).map((r) => r.data.name)).toEqual(['pineapple', 'banana', 'apple', 'date', 'cherry']);
    expect((await t.list({ orderBy: 'name', desc: false })).map((r) => r.data.name)).toEqual([
      'apple',
      'banana',
      'cherry',
      'date',
      'pineapple',
    ]);
  });

  it('orders by updatedAt', async () => {
    const t = await filled(await stores.open());
    const cherry = (await t.list({ where: { name: 'cherry' } }))[0]!;
    // Stamps are milliseconds and equal ones have no order: on a fast file every create may share
    // one, so the update waits for the clock to pass them (a condition, not a guess at a delay).
    const newest = Math.max(...(await t.list()).map((r) => r.updatedAt));
    while (Date.now() <= newest) await new Promise((r) => setTimeout(r, 1));
    await t.update(cherry.id, { score: 1 });
    expect((await t.list({ orderBy: 'updatedAt', limit: 1 }))[0]!.data.name).toBe('cherry');
    expect((await t.list({ orderBy: 'createdAt', limit: 1 }))[0]!.data.name).toBe('pineapple');
  });

  it.each<[string, unknown, string]>([
    ['an unknown field', { colour: 'red' }, 'where.colour'],
    ['an unknown operator', { n: { between: [1, 2] } }, 'where.n.between'],
    ['an empty operator object', { n: {} }, 'where.n'],
    ['a string for an integer field', { n: '1' }, 'where.n'],
    ['a number for a string field', { name: { gt: 3 } }, 'where.name.gt'],
    ['gt on a boolean field', { done: { gt: false } }, 'where.done.gt'],
    ['in without a list', { name: { in: 'apple' } }, 'where.name.in'],
    ['null inside in', { name: { in: ['a', null] } }, 'where.name.in[1]'],
    ['contains on a number field', { n: { contains: '1' } }, 'where.n.contains'],
    ['equality on an array field', { tags: ['red'] }, 'where.tags'],
    ['a filter on an object field', { meta: { origin: 'x' } }, 'where.meta.origin'],
    ['a placeholder outside an alias', { name: { $param: 'p' } }, 'where.name'],
    ['a non-JSON operand', { score: { gt: Number.NaN } }, 'where.score.gt'],
    ['a where that is not an object', 'name = 1', 'where'],
  ])('refuses %s with a ValidationError naming the path', async (_label, where, path) => {
    const t = await sharedFruit();
    await expect(t.list({ where: where as never })).rejects.toMatchObject({ code: 'VALIDATION', path });
    await expect(t.count(where as never)).rejects.toMatchObject({ code: 'VALIDATION', path });
  });

  it('refuses an orderBy that is not a row time or a scalar field, and unknown options', async () => {
    const t = await sharedFruit();
    await expect(t.list({ orderBy: 'colour' as never })).rejects.toMatchObject({ code: 'VALIDATION', path: 'orderBy' });
    await expect(t.list({ orderBy: 'tags' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'orderBy' });
    await expect(t.list({ desc: 'yes' as never })).rejects.toMatchObject({ code: 'VALIDATION', path: 'desc' });
    await expect(t.list({ order: 'n' } as never)).rejects.toMatchObject({ code: 'VALIDATION', path: 'order' });
  });

  it('uses the index of an indexed field for a filtered list (EXPLAIN QUERY PLAN), and scans without one', async () => {
    const store = await stores.open();
    const indexed: TableSchema = { fields: { tag: { type: 'string', required: true }, other: { type: 'string' } }, indexes: ['tag'] };
    const t = await store.table('plan', indexed);
    await t.batch(Array.from({ length: 200 }, (_, i) => ({ op: 'create' as const, data: { tag: `t${i % 20}`, other: `o${i % 20}` } })));

    const indexes = await store.inspect(
      `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'table_plan' AND sql LIKE '%json_extract%'`,
    );
    expect(indexes.map((r) => r.name)).toEqual(['table_plan__tag']);

    const plan = async (where: Where) => {
      const q = listSql('plan', normalizeQuery(indexed, { where }));
      return (await store.inspect(`EXPLAIN QUERY PLAN ${q.sql}`)).map((r) => String(r.detail)).join('\n');
    };
    const withIndex = await plan({ tag: 't3' });
    expect(withIndex).toMatch(/SEARCH .*USING INDEX table_plan__tag/);
    // The index ends with created_at, so the default newest-first order needs no sort.
    expect(withIndex).not.toMatch(/TEMP B-TREE/);
    expect(await plan({ tag: { in: ['t1', 't2'] } })).toMatch(/USING INDEX table_plan__tag/);
    const withoutIndex = await plan({ other: 'o3' });
    expect(withoutIndex).toMatch(/SCAN table_plan/);
    expect(withoutIndex).not.toMatch(/table_plan__tag|SEARCH/);

    const rows = await t.list({ where: { tag: 't3' } });
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.data.tag === 't3')).toBe(true);
    expect(await t.count({ tag: 't3' })).toBe(10);
  });
});
