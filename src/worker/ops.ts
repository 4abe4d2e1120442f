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
