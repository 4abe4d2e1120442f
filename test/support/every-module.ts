import type { Store, TableSchema } from '../../src/index.js';

/** A table schema with an index and an optional array field. */
export const NOTES: TableSchema = {
  fields: { title: { type: 'string', required: true }, n: { type: 'integer' }, tags: { type: 'array' } },
  indexes: ['n'],
};

/** Writes something into every module of `store` (tag makes two fills differ), closed streams and bytes included. */
export async function fillEveryModule(store: Store, tag: string): Promise<void> {
  const notes = await store.table('notes', NOTES);
  await Promise.all([
    store.outputs.put(`run-${tag}`, 'fetch', { status: 200, tag }),
    store.outputs.put(`run-${tag}`, 'parse', [1, 2, { deep: null }]),
    store.globals.put(`once-${tag}`, 'first'),
    store.globals.upsert('shared', { tag }),
    notes.create({ title: `a-${tag}`, n: 1, tags: ['x'] }),
    notes.create({ title: `b-${tag}`, n: 2 }),
    notes.aliases.create(`small-${tag}`, { where: { n: { lte: 1 } }, description: 'small ones' }),
    store.streams.append(`chat-${tag}`, { kind: 'token', data: 'Hel' }),
    store.streams.append(`bytes-${tag}`, { data: new Uint8Array([0, 1, 254, 255]) }, { attempt: 2 }),
  ]);
  const first = await store.records.append({ taskId: `t-${tag}`, attempt: 0, producer: 'planner', event: { step: 1 } });
  await store.records.append({ taskId: `t-${tag}`, attempt: 0, producer: 'worker', event: 'done', parents: [first] });
  await store.streams.append(`chat-${tag}`, { data: { tokens: 3 }, mode: 'summary' });
  await store.streams.close(`chat-${tag}`);
}

/** Everything {@link fillEveryModule} wrote with `tag`, read back through the public API (undefined where absent). */
export async function readEveryModule(store: Store, tag: string) {
  const notes = await store.table('notes', NOTES);
  const records = await store.records.list(`t-${tag}`, 0);
  return {
    outputs: await store.outputs.keys(`run-${tag}`),
    fetch: await store.outputs.get(`run-${tag}`, 'fetch'),
    parse: await store.outputs.get(`run-${tag}`, 'parse'),
    once: await store.globals.get(`once-${tag}`),
    shared: await store.globals.get('shared'),
    rows: await notes.list({ where: { title: { contains: tag } }, orderBy: 'createdAt', desc: false }),
    indexed: await notes.count({ n: 2 }),
    aliases: await notes.aliases.list(),
    records,
    chat: await store.streams.read(`chat-${tag}`),
    summary: await store.streams.summary(`chat-${tag}`),
    bytes: await store.streams.read(`bytes-${tag}`, { attempt: 2 }),
  };
}
