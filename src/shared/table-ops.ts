import { ValidationError } from './errors.js';
import { isPlainArray, isPlainObject } from './json-object.js';
import type { UpdateMode } from './table-schema.js';
import { assertId, describe, refuseSymbolData } from './validate.js';

/** One batch operation whose shape was checked (its data is checked against the schema separately). */
export type CheckedOp =
  { op: 'create'; data: unknown } | { op: 'update'; id: string; patch: unknown; mode: UpdateMode } | { op: 'delete'; id: string };

/** Throws unless `mode` names an update mode; undefined means 'merge'. */
export function checkUpdateMode(mode: unknown): UpdateMode {
  if (mode === undefined || mode === 'merge') return 'merge';
  if (mode === 'replace') return 'replace';
  throw new ValidationError(`mode must be 'merge' or 'replace', got ${describe(mode)}`, 'mode');
}

/** The mode of update()'s options object. */
export function updateModeOf(opts: unknown): UpdateMode {
  if (opts === undefined) return 'merge';
  if (!isPlainObject(opts))
    throw new ValidationError(`update() options must be an object like { mode: 'replace' }, got ${describe(opts)}`, 'opts');
  return checkUpdateMode(opts.mode);
}

/**
 * Throws unless `ops` is a plain list (of operations, checked one by one with
 * {@link checkBatchOp}). A list with named properties, like any value that
 * JSON would not keep whole, is refused: the snapshot leaves it uncopied.
 */
export function assertOpList(ops: unknown): asserts ops is unknown[] {
  if (!Array.isArray(ops)) throw new ValidationError(`batch() takes a list of operations, got ${describe(ops)}`, 'ops');
  if (!isPlainArray(ops))
    throw new ValidationError('a list of operations with named properties (or of a subclass) is not a plain list', 'ops');
}

/** Checks the shape of one batch operation: its kind, its id, its mode. */
export function checkBatchOp(op: unknown): CheckedOp {
  if (!isPlainObject(op))
    throw new ValidationError(`an operation must be an object like { op: 'create', data }, got ${describe(op)}`, 'op');
  refuseSymbolData(op, 'op');
  switch (op.op) {
    case 'create':
      return { op: 'create', data: op.data };
    case 'update':
      assertId(op.id, 'id');
      return { op: 'update', id: op.id, patch: op.patch, mode: checkUpdateMode(op.mode) };
    case 'delete':
      assertId(op.id, 'id');
      return { op: 'delete', id: op.id };
    default:
      throw new ValidationError(`op must be 'create', 'update' or 'delete', got ${describe(op.op)}`, 'op');
  }
}
