import type { TableSchema } from '../src/index.js';
import { current, time } from './context.js';
import { tableOf, type TableApi } from './optional-api.js';

// `tag` and `key` hold the same values; only `key` is indexed, so the two
// filtered lists differ only in the index.
export const schema: TableSchema = {
  fields: {
    tag: { type: 'string', required: true },
    key: { type: 'string', required: true },
    n: { type: 'integer', required: true },
    note: { type: 'string' },
  },
  indexes: ['key'],
};
export const TAGS = 1000;
export const row = (i: number) => ({ tag: `t${i % TAGS}`, key: `t${i % TAGS}`, n: i, note: 'a short note' });

let big: TableApi | undefined;
let hitsPerTag = 0;

/** Fills the table that list() filters: `total` rows in concurrent chunks of `chunk`. Once per run. */
export async function prepareTables(total: number, chunk: number): Promise<Record<string, number>> {
  const { a } = current();
  const t = await tableOf(a, 'big', schema);
  const fill = await time(async () => {
    for (let done = 0; done < total; done += chunk) {
      await Promise.all(Array.from({ length: chunk }, (_, i) => t.create(row(done + i))));
    }
  });
  big = t;
  hitsPerTag = total / TAGS;
  return { 'table.fill': fill };
}

/**
 * (6) n concurrent creates, filtered lists over the big table on a field with
 * and without an index, then n concurrent updates and n concurrent deletes of
 * the rows just created.
 */
export async function tableOps(rep: number, n: number): Promise<Record<string, number>> {
  const { a } = current();
  if (!big) throw new Error('bench.prepareTables() first');
  const t = await tableOf(a, `items${rep}`, schema);
  let ids: string[] = [];
  const create = await time(async () => {
    ids = (await Promise.all(Array.from({ length: n }, (_, i) => t.create(row(i))))).map((r) => r.id);
  });
  const tag = `t${(rep * 37) % TAGS}`;
  const listed = async (field: 'tag' | 'key') => {
    let found = 0;
    const ms = await time(async () => {
      found = (await big!.list({ where: { [field]: tag }, limit: 1000 })).length;
    });
    if (found !== hitsPerTag) throw new Error(`list({ where: { ${field}: ${tag} } }) found ${found} rows, expected ${hitsPerTag}`);
    return ms;
  };
  const listNoIndex = await listed('tag');
  const listIndex = await listed('key');
  const update = await time(() => Promise.all(ids.map((id, i) => t.update(id, { n: i + 1 }))));
  const del = await time(() => Promise.all(ids.map((id) => t.delete(id))));
  return {
    'table.create.concurrent': create,
    'table.list.noindex': listNoIndex,
    'table.list.index': listIndex,
    'table.update.concurrent': update,
    'table.delete.concurrent': del,
  };
}

/** `table.batch` of `n` creates into a new table: scenario 10's bulk load alone, for `npm run bench:profile -- batchLoad 10000`. */
export async function batchLoad(rep: number, n: number): Promise<Record<string, number>> {
  const t = await tableOf(current().a, `load${rep}`, schema);
  const ms = await time(() => (t as unknown as BatchApi).batch(Array.from({ length: n }, (_, i) => ({ op: 'create', data: row(i) }))));
  return { 'table.batch': ms };
}

/** `n` concurrent `create` calls into a new table (`npm run bench:profile -- concurrentLoad 10000`). */
export async function concurrentLoad(rep: number, n: number): Promise<Record<string, number>> {
  const t = await tableOf(current().a, `loadc${rep}`, schema);
  const ms = await time(() => Promise.all(Array.from({ length: n }, (_, i) => t.create(row(i)))));
  return { 'table.create.concurrent': ms };
}

type BatchApi = { batch(ops: { op: 'create'; data: Record<string, unknown> }[]): Promise<unknown[]> };
