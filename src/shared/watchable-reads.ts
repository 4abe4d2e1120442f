import type { OpName } from './protocol.js';

/**
 * The reads a live query may ask the leader's engine to answer with each
 * commit that touches them: point reads, lists, counts and summaries. Not
 * whole-database reads (an export after every commit), nor stream frames
 * (bytes, and pages of them).
 */
export const WATCHABLE_READS: ReadonlySet<OpName> = new Set<OpName>([
  'outputs.get',
  'outputs.keys',
  'outputs.entries',
  'globals.get',
  'records.get',
  'records.latest',
  'records.list',
  'streams.summary',
  'tables.get',
  'tables.list',
  'tables.count',
  'tables.aliasGet',
  'tables.aliasList',
  'tables.aliasRun',
]);

/** At most this many reads of one live query are watched (a run that makes more reads the rest back). */
export const MAX_WATCHED_READS = 32;
