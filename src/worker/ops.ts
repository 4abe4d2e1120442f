import { databaseOps } from './ops/database.js';
import { globalsOps } from './ops/globals.js';
import { outputsOps } from './ops/outputs.js';
import { recordsOps } from './ops/records.js';
import { streamsOps } from './ops/streams.js';
import { tablesOps } from './ops/tables.js';

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

/**
 * Operations that never write: a batch of only these runs without a
 * transaction. A wrong entry here would lose atomicity, so list only pure reads.
 */
export const readOps: ReadonlySet<string> = new Set<keyof Ops>([
  'db.export',
  'db.inspect',
  'db.ping',
  'outputs.get',
  'outputs.keys',
  'globals.get',
  'records.get',
  'records.latest',
  'records.list',
  'streams.read',
  'streams.tail',
  'streams.summary',
  'tables.get',
  'tables.list',
  'tables.count',
  'tables.aliasGet',
  'tables.aliasList',
  'tables.aliasRun',
]);

/** True if no call of the batch writes. */
export function isReadOnly(calls: readonly { op: string }[]): boolean {
  return calls.every((c) => readOps.has(c.op));
}
