import { changeKey } from './change-key.js';
import type { ChangeNotice } from './change-notice.js';
import { ValidationError } from './errors.js';
import type { OpName } from './protocol.js';
import { describe } from './validate.js';

/** Whether a committed change could alter what one read returned. */
export type Dependency = (notice: ChangeNotice) => boolean;

type DependencyOf = (...args: unknown[]) => Dependency;

const any: Dependency = () => true;

/** A table write that touched rows (not an alias). */
const rowWrite = (n: ChangeNotice) => n.alias === undefined;

/** Whether a row write may have touched a row whose id starts with `prefix`: yes when its notice names no ids. */
function touches(n: ChangeNotice, prefix: string): boolean {
  if (n.id !== undefined) return n.id.startsWith(prefix);
  if (n.ids !== undefined) return n.ids.some((id) => id.startsWith(prefix));
  return true;
}

/**
 * What each read a live query may make depends on, by operation: the
 * notices (module, key and what they carry) that could change its answer.
 * Anything not listed writes, and a live query only reads.
 */
const dependencies: Partial<Record<OpName, DependencyOf>> = {
  'outputs.get': (runId, nodeId) => {
    const key = changeKey(String(runId), String(nodeId));
    return (n) => n.module === 'outputs' && n.key === key;
  },
  'outputs.keys': (runId) => outputsOfRun(runId),
  'outputs.entries': (runId) => outputsOfRun(runId),
  'globals.get': (key) => (n) => n.module === 'globals' && n.key === key,
  // Records never change once appended: only a record that is not there yet can appear.
  'records.get': (id) => (n) => n.module === 'records' && (n.id === undefined || n.id === id),
  'records.latest': (producer) => (n) => n.module === 'records' && (n.producer === undefined || n.producer === producer),
  'records.list': (taskId, attempt) => {
    const key = changeKey(String(taskId), Number(attempt));
    return (n) => n.module === 'records' && n.key === key;
  },
  'streams.read': (stream, attempt) => streamAttempt(stream, attempt),
  'streams.tail': (stream, attempt) => streamAttempt(stream, attempt),
  'streams.summary': (stream, attempt) => {
    const same = streamAttempt(stream, attempt);
    // A close (no seq) leaves the summary alone, and so does a carried frame of another mode.
    return (n) => same(n) && n.seq !== undefined && (n.frame === undefined || n.frame.mode === 'summary');
  },
  'tables.get': (name, idOrPrefix) => {
    const prefix = String(idOrPrefix);
    // A new row whose id starts with the prefix makes a prefix lookup ambiguous, so creates count too.
    return (n) => n.module === 'table' && n.key === name && rowWrite(n) && touches(n, prefix);
  },
  'tables.list': (name) => (n) => n.module === 'table' && n.key === name && rowWrite(n),
  'tables.count': (name) => (n) => n.module === 'table' && n.key === name && rowWrite(n),
  'tables.aliasGet': (name, alias) => (n) => n.module === 'table' && n.key === name && n.alias === alias,
  'tables.aliasList': (name) => (n) => n.module === 'table' && n.key === name && n.alias !== undefined,
  'tables.aliasRun': (name, _schema, alias) => (n) => n.module === 'table' && n.key === name && (rowWrite(n) || n.alias === alias),
  // Whole-database reads depend on everything.
  'db.export': () => any,
  'db.inspect': () => any,
};

/**
 * The dependency of one read.
 * @throws ValidationError for an operation that writes: a live query re-runs
 *   on changes, so a write in it would run again and again.
 */
export function dependencyOf(op: OpName, args: unknown[]): Dependency {
  const of = Object.hasOwn(dependencies, op) ? dependencies[op] : undefined;
  if (!of) {
    throw new ValidationError(
      `a live query only reads, but it called ${describe(op)}; make writes outside the query function (in an event handler, say)`,
      'query',
    );
  }
  const dep = of(...args);
  // store.import() replaced the whole database: every read may have changed.
  return (n) => n.module === 'database' || dep(n);
}

function outputsOfRun(runId: unknown): Dependency {
  // changeKey(run, node) is the JSON array ["run","node"]: every key of the run starts with ["run",
  const prefix = `${JSON.stringify([String(runId)]).slice(0, -1)},`;
  return (n) => n.module === 'outputs' && n.key.startsWith(prefix);
}

function streamAttempt(stream: unknown, attempt: unknown): Dependency {
  const key = changeKey(String(stream), Number(attempt));
  return (n) => n.module === 'streams' && n.key === key;
}
