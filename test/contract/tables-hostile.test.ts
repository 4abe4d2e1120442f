import { afterEach, describe, expect, it } from 'vitest';
import type { Row, Store, TableSchema } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { T, todos, type Todo } from '../support/tables-fixtures.js';

// Strings that would break out of SQL (or a LIKE pattern, or a JSON path) if spliced in.
const HOSTILE = [
  `'`,
  `"`,
  '`',
  `''`,
  `\\`,
  `%`,
  `_`,
  `%_%`,
  `'; DROP TABLE outputs; --`,
  `"; DELETE FROM table_victim; --`,
  `') OR 1=1 --`,
  `" OR ""="`,
  `*/ DROP TABLE globals /*`,
  `$.title`,
  `json_extract(data, '$.title')`,
  `x\u0000y`,
  `ünï©ødé 🚀`,
  `a'b"c\`d[e]f`,
];

// `_` is a fine identifier; the rest must be refused wherever a name is spliced into SQL.
const NOT_IDENTIFIERS = HOSTILE.filter((h) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(h));

/** Everything outside the table under attack, read back through the public API and the schema catalog. */
async function snapshot(store: Store) {
  const victim = await todos(store, 'victim');
  return {
    outputs: await store.outputs.keys('r'),
    output: await store.outputs.get('r', 'n'),
    global: await store.globals.get('g'),
    victimRows: await victim.list({ limit: 1000 }),
    victimAliases: await victim.aliases.list(),
    schema: await store.inspect(
      `SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name NOT LIKE 'table\\_hostile%' ESCAPE '\\' ORDER BY name`,
    ),
  };
}

async function setUp(store: Store) {
  await store.outputs.put('r', 'n', { v: 1 });
  await store.globals.upsert('g', 'kept');
  const victim = await todos(store, 'victim');
  await victim.create({ title: 'victim row', state: 'open' });
  await victim.aliases.create('victim_alias', { where: { state: 'open' } });
}

describe.each(backends)('tables: hostile input ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('stores SQL metacharacters in values and keys as plain data, and filters on them exactly', async () => {
    const store = await stores.open();
    await setUp(store);
    const before = await snapshot(store);
    const t = await todos(store, 'hostile');
    const rows: Row<Todo>[] = [];
    for (const h of HOSTILE) {
      const data = { title: h, state: `${h}-state`, [h]: h, nested: { [h]: [h] } };
      const row = await t.create(data);
      expect((await t.get(row.id)).data).toStrictEqual(data);
      rows.push(row);
    }
    for (const [i, h] of HOSTILE.entries()) {
      expect((await t.list({ where: { title: h } })).map((r) => r.id)).toEqual([rows[i]!.id]);
      expect((await t.list({ where: { title: { in: [h] } } })).map((r) => r.id)).toEqual([rows[i]!.id]);
      expect(await t.count({ state: { ne: `${h}-state` } })).toBe(HOSTILE.length - 1);
      const containing = HOSTILE.map((x, j) => (x.includes(h) ? rows[j]!.id : undefined)).filter(Boolean);
      expect((await t.list({ where: { title: { contains: h } }, limit: 1000 })).map((r) => r.id).sort()).toEqual(containing.sort());
      const updated = await t.update(rows[i]!.id, { state: h });
      expect((await t.get(rows[i]!.id)).data).toStrictEqual(updated.data);
    }
    // Prefixes are matched literally: wildcards and quotes match no id.
    for (const h of HOSTILE) await expect(t.get(h)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.count()).toBe(HOSTILE.length);
    expect(await snapshot(store)).toStrictEqual(before);
  });

  it('keeps hostile alias names and parameter values as plain data', async () => {
    const store = await stores.open();
    await setUp(store);
    const before = await snapshot(store);
    const t = await todos(store, 'hostile');
    const row = await t.create({ title: `'; DROP TABLE tables_aliases; --` });
    const kept = stores.backend.refusesNul ? HOSTILE.filter((h) => !h.includes('\u0000')) : HOSTILE;
    if (stores.backend.refusesNul) {
      await expect(t.aliases.create('x\u0000y', { where: { title: 'x' } })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    for (const h of kept) {
      await t.aliases.create(h, { where: { title: { $param: h } }, params: [h], description: h });
      expect(await t.aliases.get(h)).toStrictEqual({ name: h, where: { title: { $param: h } }, params: [h], description: h });
      expect(await t.aliases.run(h, { [h]: h })).toEqual([]);
      expect((await t.aliases.run(h, { [h]: row.data.title })).map((r) => r.id)).toEqual([row.id]);
    }
    expect((await t.aliases.list()).map((a) => a.name)).toHaveLength(kept.length);
    for (const h of kept) await t.aliases.delete(h);
    expect(await t.aliases.list()).toEqual([]);
    expect(await snapshot(store)).toStrictEqual(before);
  });

  it('refuses hostile table names, field names, index names and orderBy with a ValidationError, and writes nothing', async () => {
    const store = await stores.open();
    await setUp(store);
    const t = await todos(store, 'hostile');
    await t.create({ title: 'x' });
    // Byte for byte where the database has an image; a Durable Object has none (its catalog and rows are in the snapshot).
    const image = backend.noExport ? undefined : await store.export();
    const before = await snapshot(store);
    expect(NOT_IDENTIFIERS).toHaveLength(HOSTILE.length - 1);
    for (const h of NOT_IDENTIFIERS) {
      await expect(store.table(h, T)).rejects.toMatchObject({ code: 'VALIDATION', path: 'name' });
      await expect(store.table(`victim${h}`, T)).rejects.toMatchObject({ code: 'VALIDATION', path: 'name' });
      const schema = { fields: { title: { type: 'string' }, [h]: { type: 'string' } } } as TableSchema;
      await expect(store.table('hostile', schema)).rejects.toMatchObject({ code: 'VALIDATION', path: `schema.fields.${h}` });
      const indexed = { fields: { title: { type: 'string' } }, indexes: [h] } as TableSchema;
      await expect(store.table('hostile', indexed)).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.indexes[0]' });
      await expect(t.list({ where: { [h]: 'x' } as never })).rejects.toMatchObject({ code: 'VALIDATION', path: `where.${h}` });
      await expect(t.count({ title: { [h]: 'x' } } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(t.list({ orderBy: h as never })).rejects.toMatchObject({ code: 'VALIDATION', path: 'orderBy' });
      await expect(t.aliases.create('a', { where: { [h]: 'x' } as never })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    expect(await snapshot(store)).toStrictEqual(before);
    if (image) expect(await store.export()).toEqual(image);
  });
});
