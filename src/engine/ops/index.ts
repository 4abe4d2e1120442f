import { isReadHandler } from './read-op.js';
import { databaseOps } from './database.js';
import { globalsOps } from './globals.js';
import { outputsOps } from './outputs.js';
import { recordsOps } from './records.js';
import { streamsOps } from './streams.js';
import { tablesOps } from './tables.js';
import type { Db } from '../db.js';

/** Every operation the engine runs, by wire name. The facade's types derive from this. */
export const ops = {
  ...outputsOps,
  ...globalsOps,
  ...recordsOps,
  ...streamsOps,
  ...tablesOps,
  ...databaseOps,
};

export type Ops = typeof ops;

/** An operation's handler, as the engine calls it. */
export type Handler = (db: Db, ...args: unknown[]) => unknown;

/**
 * The handlers by wire name, for the engine's lookup of each call: a Map holds
 * only these names ("constructor" or "__proto__" find nothing), and is faster to
 * search by an arbitrary string than an object of thirty-odd keys.
 */
export const handlers: ReadonlyMap<string, Handler> = new Map(Object.entries(ops) as [string, Handler][]);

/** Operations marked with readOp(): a batch of only these runs without a transaction. */
export const readOps: ReadonlySet<string> = new Set(
  Object.entries(ops)
    .filter(([, handler]) => isReadHandler(handler))
    .map(([name]) => name),
);

/** True if no call of the batch writes. */
export function isReadOnly(calls: readonly { op: string }[]): boolean {
  return calls.every((c) => readOps.has(c.op));
}
