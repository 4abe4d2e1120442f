import type { FieldSpec, Store, TableSchema } from '../../src/index.js';

/** The main table of the table tests: a required title and an optional state. */
export const T = {
  fields: { title: { type: 'string', required: true }, state: { type: 'string' } },
} satisfies TableSchema;

/** Row data of {@link T}. */
export type Todo = { title: string; state?: string };

/** A schema with exactly `fields`. */
export function S(fields: Record<string, FieldSpec>): TableSchema {
  return { fields };
}

/** Opens table `name` (default "items") with schema T. */
export function todos(store: Store, name = 'items') {
  return store.table<Todo>(name, T);
}

/** Creates rows one by one until two ids share their first character (17 always suffice), and returns that character's rows. */
export async function sharedFirstChar(create: () => Promise<{ id: string }>): Promise<{ prefix: string; ids: string[] }> {
  const byChar = new Map<string, string[]>();
  for (let i = 0; i < 17; i++) {
    const { id } = await create();
    const list = byChar.get(id[0]!) ?? [];
    list.push(id);
    byChar.set(id[0]!, list);
  }
  const [prefix, ids] = [...byChar].find(([, list]) => list.length >= 2)!;
  return { prefix, ids: ids.sort() };
}
