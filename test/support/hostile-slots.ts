import fc from 'fast-check';
import { anyString, hostile, jsonValue, wellFormedString, type Desc } from './hostile-values.js';

/**
 * One call of a same-tick group, as a printable descriptor:
 * - `valid`: a call that must succeed and read back exactly;
 * - `value`: a hostile value in a value position, all else valid: accepted
 *   exactly when the README's value space says so;
 * - `key`: a hostile key, id or name, all else valid: accepted exactly when
 *   it is a well-formed string;
 * - `args`: hostile arguments anywhere in any public method: any outcome,
 *   as long as it is typed;
 * - `abortTail`: a tail whose signal aborts while its read is in flight.
 */
export type Slot =
  | { k: 'valid'; op: (typeof VALID_OPS)[number]; v: unknown; s: string; pick: number }
  | { k: 'value'; op: (typeof VALUE_OPS)[number]; d: Desc }
  | { k: 'key'; op: (typeof KEY_OPS)[number]; key: { s: string } | { d: Desc } }
  | { k: 'args'; op: (typeof ARG_OPS)[number]; args: (Desc | null)[] }
  | { k: 'abortTail' };

export const VALID_OPS = [
  'globals.upsert',
  'outputs.put',
  'records.append',
  'streams.append',
  'table.create',
  'table.update',
  'read',
  'tail',
  'inspect',
  'aliases.run',
] as const;

export const VALUE_OPS = [
  'globals.upsert',
  'globals.put',
  'outputs.put',
  'records.append',
  'streams.append',
  'streams.summary',
  'table.create',
  'table.update',
  'table.batch',
] as const;

export const KEY_OPS = [
  'globals.upsert',
  'outputs.put',
  'records.taskId',
  'records.producer',
  'streams.name',
  'streams.kind',
  'aliases.create',
] as const;

/** Every public method, with how many arguments it takes here. */
export const ARITY = {
  'outputs.put': 3,
  'outputs.get': 2,
  'outputs.keys': 1,
  'globals.put': 2,
  'globals.upsert': 2,
  'globals.get': 1,
  'records.append': 1,
  'records.appendFields': 5,
  'records.get': 1,
  'records.latest': 1,
  'records.list': 2,
  'streams.append': 3,
  'streams.appendFields': 3,
  'streams.read': 5,
  'streams.tail': 6,
  'streams.summary': 2,
  'streams.close': 2,
  'table.create': 1,
  'table.get': 1,
  'table.update': 3,
  'table.delete': 1,
  'table.list': 1,
  'table.count': 1,
  'table.batch': 2,
  'aliases.create': 2,
  'aliases.get': 1,
  'aliases.list': 0,
  'aliases.run': 3,
  'aliases.delete': 1,
  'store.table': 2,
  inspect: 1,
  onChange: 1,
  onRoleChange: 1,
} as const;

export const ARG_OPS = Object.keys(ARITY) as (keyof typeof ARITY)[];

const keyDesc = fc.oneof(
  { weight: 3, arbitrary: anyString.map((s) => ({ s })) },
  { weight: 1, arbitrary: wellFormedString.map((s) => ({ s: `\uFEFF${s}` })) },
  { weight: 1, arbitrary: hostile.map((d) => ({ d })) },
);

const validSlot = fc.record({
  k: fc.constant('valid' as const),
  op: fc.constantFrom(...VALID_OPS),
  v: jsonValue,
  s: wellFormedString,
  pick: fc.nat(5),
});

const argsSlot = fc.constantFrom(...ARG_OPS).chain((op) =>
  fc.record({
    k: fc.constant('args' as const),
    op: fc.constant(op),
    args: fc.array(fc.option(hostile, { nil: null, freq: 2 }), { minLength: ARITY[op], maxLength: ARITY[op] }),
  }),
);

/** One slot; weights favour hostile calls, with about a quarter valid ones. */
export const slot: fc.Arbitrary<Slot> = fc.oneof(
  { weight: 15, arbitrary: validSlot },
  { weight: 15, arbitrary: fc.record({ k: fc.constant('value' as const), op: fc.constantFrom(...VALUE_OPS), d: hostile }) },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('key' as const), op: fc.constantFrom(...KEY_OPS), key: keyDesc }) },
  { weight: 20, arbitrary: argsSlot },
  { weight: 1, arbitrary: fc.constant({ k: 'abortTail' as const }) },
);

/** A same-tick group of calls: at least one valid sibling among hostile ones. */
export function group(kinds?: Slot['k'][], size = { min: 2, max: 12 }): fc.Arbitrary<Slot[]> {
  const pick = kinds ? slot.filter((s) => s.k === 'valid' || kinds.includes(s.k)) : slot;
  return fc.tuple(validSlot, fc.array(pick, { minLength: size.min - 1, maxLength: size.max - 1 }), fc.nat()).map(([valid, rest, at]) => {
    const out = [...rest];
    out.splice(at % (rest.length + 1), 0, valid);
    return out;
  });
}
