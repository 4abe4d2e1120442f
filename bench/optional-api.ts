import type { Store } from '../src/index.js';

// Streams and tables land while the bench is written: the bench uses only
// these parts of DESIGN.md's API, and reports "n/a" where they are missing.

/** The part of DESIGN.md's `store.streams` the bench uses. */
export type StreamsApi = {
  append(stream: string, frame: { data: unknown }): Promise<{ seq: number }>;
  tail(stream: string, opts: { after: number; blockMs?: number }): Promise<{ frames: { seq: number }[] }>;
  follow(stream: string, opts?: { after?: number; signal?: AbortSignal }): AsyncIterable<{ seq: number }>;
};

/** The part of DESIGN.md's `Table` the bench uses. */
export type TableApi = {
  create(data: Record<string, unknown>): Promise<{ id: string }>;
  list(q?: { where?: Record<string, unknown>; limit?: number }): Promise<unknown[]>;
  update(id: string, patch: Record<string, unknown>): Promise<unknown>;
  delete(id: string): Promise<void>;
};

/** Thrown where a module is not built yet; the driver prints its message as "n/a (…)". */
export class NotAvailable extends Error {}

/** `store.streams`, or NotAvailable if append/tail/follow are not functions yet. */
export function streamsOf(store: Store): StreamsApi {
  const s = store.streams as unknown as Partial<StreamsApi>;
  if (typeof s.append !== 'function' || typeof s.tail !== 'function' || typeof s.follow !== 'function') {
    throw new NotAvailable('streams not built');
  }
  return s as StreamsApi;
}

/** `store.table(name, schema)`, or NotAvailable if tables cannot create rows yet. */
export async function tableOf(store: Store, name: string, schema: unknown): Promise<TableApi> {
  const t = (await store.table(name, schema as Parameters<Store['table']>[1])) as unknown as Partial<TableApi>;
  if (typeof t.create !== 'function' || typeof t.list !== 'function' || typeof t.update !== 'function' || typeof t.delete !== 'function') {
    throw new NotAvailable('tables not built');
  }
  return t as TableApi;
}
