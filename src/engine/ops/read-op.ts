import type { Db } from '../db.js';

/** A handler of one operation: the open database, then the call's arguments. */
export type Handler = (db: Db, ...args: never[]) => unknown;

/**
 * Marks an operation as a pure read. A batch of only reads runs without a
 * transaction, so a handler marked here must never write: a write in it
 * would not be atomic with its batch.
 */
export function readOp<H extends Handler>(handler: H): H & { readonly read: true } {
  return Object.assign(handler, { read: true as const });
}

/** Whether `handler` was marked with {@link readOp}. */
export function isReadHandler(handler: unknown): boolean {
  return (handler as { read?: unknown } | undefined)?.read === true;
}
