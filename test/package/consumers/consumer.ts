// Compiled by the package test with lib ES2022 only (no DOM), skipLibCheck false and strict,
// under each moduleResolution: flowstore's declarations must stand on their own there.
import { openStore, ValidationError, type Row, type Store, type Where } from 'flowstore';
import type { StoreOptions } from 'flowstore/server';
import { openStore as openInProcess } from 'flowstore/in-process';
import type { useLiveQuery } from 'flowstore/react';

// Rows declared the way most code declares shapes: an interface, with no index signature.
interface Todo {
  title: string;
  done: boolean;
  tags?: string[];
  meta?: { priority: number };
}

export async function openTodos(path: string): Promise<Row<Todo>[]> {
  const options: StoreOptions = { name: 'todos', path };
  const store: Store = await openStore(options);
  const todos = await store.table<Todo>('todos', { fields: { title: { type: 'string', required: true }, done: { type: 'boolean' } } });
  const created: Row<Todo> = await todos.create({ title: 'write the README', done: false, meta: { priority: 1 } });
  const open: Where<Todo> = { done: false };
  await todos.update(created.id, { done: true });
  return todos.list({ where: open, orderBy: 'title' });
}

export const inMemory = () => openInProcess({ name: 'scratch', storage: 'memory', worker: false });
export const isValidation = (err: unknown) => err instanceof ValidationError && err.name === 'ValidationError';

/** flowstore/react's types stand on @types/react alone. */
export type UseLiveQuery = typeof useLiveQuery;
