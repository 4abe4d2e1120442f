import type { Store, Table, TableSchema } from '../../src/index.js';

/** Everything a hostile run writes next to, and the data it must leave alone. */
export type Arena = {
  store: Store;
  /** The table that calls of the run write to. */
  items: Table;
  /** Rows of `items` that valid and value updates change, one per slot of a group. */
  pool: string[];
  /** The table no call of the run touches. */
  victims: Table;
  victimRecord: string;
  /** Counter for unique keys. */
  n: number;
  /** Number of the group being run. */
  group: number;
};

/** The size of the update pool: more than a group's slots. */
export const POOL = 16;

const ITEMS = {
  fields: { title: { type: 'string', required: true }, n: { type: 'number' }, tags: { type: 'array' } },
  indexes: ['title'],
} satisfies TableSchema;

/** Writes the victims and the pool, and returns the arena. */
export async function openArena(store: Store): Promise<Arena> {
  const items = await store.table('items', ITEMS);
  await items.aliases.create('by_title', { where: { title: { $param: 'p' } }, params: ['p'] });
  const pool = await Promise.all(Array.from({ length: POOL }, (_, i) => items.create({ title: `pool ${i}` }).then((r) => r.id)));
  const victims = await store.table('victims', { fields: { title: { type: 'string', required: true } } });
  const [victimRecord] = await Promise.all([
    store.records.append({ taskId: 'victim-task', attempt: 0, producer: 'victim-producer', event: { e: ['\uD800', -1.5] } }),
    store.outputs.put('victim-run', 'n1', { v: [1, 'x\uDC00'], deep: [[[{}]]] }),
    store.outputs.put('victim-run', '\uFEFFn2', '\uFEFF'),
    store.globals.upsert('victim', { a: [1, { b: null }], s: 'a\uDFFF' }),
    store.globals.upsert('', 'the empty key'),
    victims.create({ title: 'victim', extra: { '\uD800': '__proto__' } }),
    victims.aliases.create('victim_alias', { where: { title: { $param: 'title' } }, params: ['title'] }),
    store.streams.append('victim-stream', { data: 1 }),
    store.streams.append('victim-stream', { data: 'two', kind: '\uFEFFk' }),
    store.streams.append('victim-stream', { data: new Uint8Array([3, 0, 255]) }),
    store.streams.append('victim-summary', { data: { a: { b: 1 } }, mode: 'summary' }),
  ]);
  return { store, items, pool, victims, victimRecord: victimRecord as string, n: 0, group: 0 };
}

/** What a run must not change: every victim, read through the public API. */
export async function victimState(a: Arena): Promise<unknown> {
  const { store } = a;
  return Promise.all([
    store.outputs.keys('victim-run'),
    store.outputs.get('victim-run', 'n1'),
    store.outputs.get('victim-run', '\uFEFFn2'),
    store.globals.get('victim'),
    store.globals.get(''),
    store.records.get(a.victimRecord),
    store.records.list('victim-task', 0),
    store.records.latest('victim-producer'),
    a.victims.list(),
    a.victims.aliases.list(),
    a.items.aliases.get('by_title'),
    store.streams.read('victim-stream'),
    store.streams.summary('victim-summary'),
  ]);
}

/** A text form of a victim state that keeps lone surrogates and bytes apart. */
export function stateText(state: unknown): string {
  return JSON.stringify(state, (_, v: unknown) => (v instanceof Uint8Array ? { bytes: [...v] } : v));
}

/** Problems with the database itself: integrity, and whether it still answers. */
export async function healthProblems(a: Arena): Promise<string[]> {
  const rows = await a.store.inspect('PRAGMA integrity_check');
  return rows.length === 1 && rows[0]!.integrity_check === 'ok' ? [] : [`integrity_check: ${JSON.stringify(rows)}`];
}
