import { afterAll } from 'vitest';
import type { FieldSpec, Store, TableSchema } from '../../src/index.js';
import { Stores, type Backend } from './backends.js';

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

/**
 * One store for the cases of a describe block that need no fresh database
 * (refusals, reads); opened on first use, closed after the block. Opening a
 * worker store costs far more than any of those cases.
 */
export function sharedStore(backend: Backend): () => Promise<Store> {
  const stores = new Stores(backend);
  let store: Promise<Store> | undefined;
  afterAll(() => stores.closeAll());
  return () => (store ??= stores.open());
}

let tableCounter = 0;

/** A table name no other case of this file uses. */
export function freshName(): string {
  tableCounter += 1;
  return `t${tableCounter}`;
}
