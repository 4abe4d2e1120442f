import { afterEach, describe, expect, it } from 'vitest';
import type { Change, FieldSpec, Json, TableSchema } from '../../src/index.js';
import { backends, Stores } from '../support/backends.js';
import { freshName, sharedStore } from '../support/shared-store.js';
import { S, T, todos } from '../support/tables-fixtures.js';

describe.each(backends)('tables: names, schemas and isolation ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  const shared = sharedStore(backend);

  it.each(['', '1abc', 'a-b', 'a b', 'a.b', 'é', 'x'.repeat(65), 'a;', 42, null])(
    'refuses table name %j with a ValidationError',
    async (name) => {
      const store = await shared();
      await expect(store.table(name as string, T)).rejects.toMatchObject({ code: 'VALIDATION', path: 'name' });
    },
  );

  it('accepts identifiers up to 64 characters', async () => {
    const store = await shared();
    for (const name of ['a', '_', 'A_1', 'x'.repeat(64)]) {
      const t = await store.table(name, T);
      expect((await t.create({ title: name })).data.title).toBe(name);
    }
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'title:string', 'schema'],
    ['no fields', {}, 'schema.fields'],
    ['an unknown type', { fields: { a: { type: 'date' } } }, 'schema.fields.a.type'],
    ['a field name that is not an identifier', { fields: { 'a.b': { type: 'string' } } }, 'schema.fields.a.b'],
    ['a field named after a row time', { fields: { createdAt: { type: 'number' } } }, 'schema.fields.createdAt'],
    ['required that is not a boolean', { fields: { a: { type: 'string', required: 'yes' } } }, 'schema.fields.a.required'],
    ['a misspelt key of a field', { fields: { a: { type: 'string', require: true } } }, 'schema.fields.a.require'],
    ['an unknown key', { fields: {}, index: ['a'] }, 'schema.index'],
    ['an index of an unknown field', { fields: { a: { type: 'string' } }, indexes: ['b'] }, 'schema.indexes[0]'],
    ['an index of an object field', { fields: { a: { type: 'object' } }, indexes: ['a'] }, 'schema.indexes[0]'],
    ['indexes that are not a list', { fields: { a: { type: 'string' } }, indexes: 'a' }, 'schema.indexes'],
  ])('refuses a schema with %s, naming the path', async (_label, schema, path) => {
    const store = await shared();
    await expect(store.table('t', schema as TableSchema)).rejects.toMatchObject({ code: 'VALIDATION', path });
  });

  it('accepts every field type and checks each', async () => {
    const store = await shared();
    const t = await store.table(
      freshName('all_types'),
      S({
        s: { type: 'string' },
        n: { type: 'number' },
        i: { type: 'integer' },
        b: { type: 'boolean' },
        o: { type: 'object' },
        a: { type: 'array' },
      }),
    );
    const data = { s: 's', n: 1.5, i: -3, b: false, o: { k: [1] }, a: [{}, 'x'] };
    expect((await t.create(data)).data).toStrictEqual(data);
    for (const [field, bad] of [
      ['s', 1],
      ['n', '1'],
      ['i', 1.5],
      ['b', 0],
      ['o', []],
      ['a', {}],
    ] as [string, Json][]) {
      await expect(t.create({ [field]: bad })).rejects.toMatchObject({ code: 'VALIDATION', path: field });
    }
    expect(await t.count()).toBe(1);
  });

  it('treats field names that are Object.prototype keys like any other', async () => {
    const store = await shared();
    // JSON.parse makes "__proto__" an own key (an object literal would set the prototype).
    const fields = JSON.parse(
      '{"constructor": {"type": "string", "required": true}, "__proto__": {"type": "integer"}, "toString": {"type": "boolean"}}',
    );
    const t = await store.table(freshName('proto'), S(fields as Record<string, FieldSpec>));
    await expect(t.create({ toString: true })).rejects.toMatchObject({ code: 'VALIDATION', path: 'constructor' });
    const data = JSON.parse('{"constructor": "c", "__proto__": 7, "toString": false}') as Record<string, never>;
    const row = await t.create(data);
    expect(JSON.stringify((await t.get(row.id)).data)).toBe('{"constructor":"c","__proto__":7,"toString":false}');
    expect((await t.list({ where: JSON.parse('{"__proto__": {"gt": 6}}') as never })).map((r) => r.id)).toEqual([row.id]);
    expect(await t.count({ constructor: 'x' })).toBe(0);
  });

  it('keeps tables apart, also names that differ only in case, and apart from other modules', async () => {
    const store = await stores.open();
    const lower = await todos(store, 'items');
    const upper = await todos(store, 'Items');
    const outputs = await todos(store, 'outputs');
    const meta = await todos(store, 'meta');
    await store.outputs.put('r', 'n', { v: 1 });
    await store.globals.upsert('g', 'kept');
    const a = await lower.create({ title: 'lower' });
    await upper.create({ title: 'upper' });
    await outputs.create({ title: 'not an output' });
    await meta.create({ title: 'not meta' });
    expect((await lower.list()).map((r) => r.data.title)).toEqual(['lower']);
    expect((await upper.list()).map((r) => r.data.title)).toEqual(['upper']);
    await expect(upper.get(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.outputs.get('r', 'n')).toEqual({ v: 1 });
    expect(await store.outputs.keys('r')).toEqual(['n']);
    expect(await store.globals.get('g')).toBe('kept');
    expect((await outputs.list()).map((r) => r.data.title)).toEqual(['not an output']);
  });

  it('opens a table again with another schema: new writes follow it, old rows stay as stored', async () => {
    const store = await shared();
    const notes = freshName('notes');
    const v1 = await store.table(notes, S({ title: { type: 'string', required: true }, n: { type: 'number' } }));
    const old = await v1.create({ title: 'old', n: 1 });
    const v2 = await store.table(notes, S({ title: { type: 'string' }, n: { type: 'string' }, tag: { type: 'string', required: true } }));
    expect(await v2.get(old.id)).toStrictEqual(old);
    await expect(v2.create({ title: 'new' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'tag' });
    const fresh = await v2.create({ tag: 't', n: 'now a string' });
    expect(await v2.count()).toBe(2);
    // The first handle still writes with its own schema.
    await expect(v1.create({ title: 'x', n: 'str' } as never)).rejects.toMatchObject({ path: 'n' });
    expect((await v1.get(fresh.id)).data).toStrictEqual({ tag: 't', n: 'now a string' });
    expect((await v2.update(old.id, { tag: 'added', n: 'two' })).data).toStrictEqual({ title: 'old', n: 'two', tag: 'added' });
  });

  it('adds indexes named by a later schema and keeps the earlier ones', async () => {
    const store = await shared();
    const idx = freshName('idx');
    await store.table(idx, { fields: { a: { type: 'string' }, b: { type: 'integer' } }, indexes: ['a'] });
    await store.table(idx, { fields: { a: { type: 'string' }, b: { type: 'integer' } }, indexes: ['b', 'b'] });
    const names = await store.inspect(
      `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'table_${idx}' AND sql IS NOT NULL ORDER BY name`,
    );
    expect(names.map((r) => r.name)).toEqual([`table_${idx}__0created`, `table_${idx}__0updated`, `table_${idx}__a`, `table_${idx}__b`]);
  });

  it('announces every write as a change of module "table" keyed by the table name', async () => {
    const store = await stores.open();
    const t = await todos(store, 'watched');
    const seen: Change[] = [];
    let wake: () => void = () => {};
    store.onChange((c) => {
      seen.push(c);
      wake();
    });
    const until = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => seen.length >= n && resolve();
        wake();
      });
    const row = await t.create({ title: 'x' });
    await t.update(row.id, { state: 's' });
    await t.aliases.create('a', { where: {} });
    await t.delete(row.id);
    await until(4);
    expect(seen.map((c) => [c.module, c.key])).toEqual(Array(4).fill(['table', 'watched']));
    expect(seen[3]!.version).toBeGreaterThan(seen[0]!.version);
  });

  it('keeps rows across close and reopen on durable storage', async () => {
    const name = `tables-durable-${Math.random().toString(36).slice(2)}`;
    const first = await stores.open(name);
    const row = await (await todos(first)).create({ title: 'kept', state: 'open' });
    await (await todos(first)).aliases.create('open', { where: { state: 'open' } });
    await first.close();
    const second = await stores.open(name);
    const t = await todos(second);
    if (backend.durable) {
      expect(await t.get(row.id)).toStrictEqual(row);
      expect((await t.aliases.run('open')).map((r) => r.id)).toEqual([row.id]);
    } else {
      expect(await t.count()).toBe(0);
    }
  });
});
