import { Dexie, type EntityTable } from 'dexie';
import { row as item, schema, TAGS } from './tables.js';
import { current, READ_RUN, rotated, sampleValue, time } from './context.js';
import { pgliteBulkInsert, pgliteCount, pgliteTable, pgliteUnnestInsert } from './pglite.js';

type Kv = { key: string; value: unknown };
type Item = { id?: number; tag: string; key: string; n: number; note: string };
type Db = Dexie & { kv: EntityTable<Kv, 'key'>; items: EntityTable<Item, 'id'> };

/** A Dexie database as its users get it (default durability), or with Chromium's 'strict' commits. */
function openDexie(name: string, strict: boolean): Db {
  const db = new Dexie(name, strict ? { chromeTransactionDurability: 'strict' } : {}) as Db;
  db.version(1).stores({ kv: 'key', items: '++id, key' });
  return db;
}

/**
 * (10) flowstore beside Dexie 4.4.7 doing the same: `n` awaited writes (Dexie
 * default and 'strict'), `n` concurrent writes and a `bulkPut`, `n` awaited
 * point reads, then `big` rows loaded at once (`table.batch` vs `bulkAdd`
 * and PGlite's multi-row INSERT) and `big` concurrent creates, and an indexed
 * query over what was loaded.
 */
export async function dexieSideBySide(rep: number, n: number, big: number): Promise<Record<string, number>> {
  const { a, prefix } = current();
  const name = `bench-dexie-side-${prefix}-${rep}`;
  const db = openDexie(name, false);
  const strict = openDexie(`${name}-strict`, true);
  await Promise.all([db.open(), strict.open()]);
  const out: Record<string, number> = {};
  try {
    await rotated(rep, [
      async () => {
        out['dexie.put.seq'] = await time(async () => {
          for (let i = 0; i < n; i++) await db.kv.put({ key: `seq-${i}`, value: sampleValue(i) });
        });
      },
      async () => {
        out['dexie.put.seq.strict'] = await time(async () => {
          for (let i = 0; i < n; i++) await strict.kv.put({ key: `seq-${i}`, value: sampleValue(i) });
        });
      },
      async () => {
        out['dexie.put.concurrent'] = await time(() =>
          Promise.all(Array.from({ length: n }, (_, i) => db.kv.put({ key: `many-${i}`, value: sampleValue(i) }))),
        );
      },
      async () => {
        const rows = Array.from({ length: n }, (_, i) => ({ key: `bulk-${i}`, value: sampleValue(i) }));
        out['dexie.bulkPut'] = await time(() => db.kv.bulkPut(rows));
      },
    ]);
    out['dexie.get.seq'] = await time(async () => {
      for (let i = 0; i < n; i++) await db.kv.get(`seq-${i}`);
    });
    out['get.seq.side'] = await time(async () => {
      for (let i = 0; i < n; i++) await a.outputs.get(READ_RUN, `n${i}`);
    });

    const t = await a.table(`side${rep}`, schema);
    const c = await a.table(`sidec${rep}`, schema);
    // Built inside each timed call, as table.batch builds its operations.
    const rows = () => Array.from({ length: big }, (_, i) => item(i));
    const pgName = `items${rep}`;
    const pg = await pgliteTable(prefix, pgName);
    const pgUnnest = `unnest${rep}`;
    await pgliteTable(prefix, pgUnnest);
    await rotated(rep, [
      async () => {
        out['table.batch'] = await time(() => t.batch(Array.from({ length: big }, (_, i) => ({ op: 'create' as const, data: item(i) }))));
      },
      async () => {
        out['table.create.concurrent.side'] = await time(() => Promise.all(Array.from({ length: big }, (_, i) => c.create(item(i)))));
      },
      async () => {
        out['dexie.bulkAdd'] = await time(() => db.items.bulkAdd(rows()));
      },
      async () => {
        out['pglite.bulkInsert'] = await time(() => pgliteBulkInsert(pg, pgName, rows()));
      },
      async () => {
        out['pglite.unnest'] = await time(() => pgliteUnnestInsert(pg, pgUnnest, rows()));
      },
    ]);
    const tag = `t${(rep * 37) % TAGS}`;
    const expected = big / TAGS;
    let found = 0;
    out['table.list.index.side'] = await time(async () => {
      found = (await t.list({ where: { key: tag }, limit: 1000 })).length;
    });
    if (found !== expected) throw new Error(`list found ${found} rows, expected ${expected}`);
    out['dexie.where.index'] = await time(async () => {
      found = (await db.items.where('key').equals(tag).toArray()).length;
    });
    if (found !== expected) throw new Error(`Dexie where() found ${found} rows, expected ${expected}`);
    for (const table of [pgName, pgUnnest]) {
      found = await pgliteCount(pg, table, tag);
      if (found !== expected) throw new Error(`PGlite found ${found} rows in ${table}, expected ${expected}`);
    }
  } finally {
    db.close();
    strict.close();
    await Promise.all([Dexie.delete(name), Dexie.delete(`${name}-strict`)]);
  }
  return out;
}
