import type { Call, OpName } from '../../shared/protocol.js';
import { isPlainArray, isPlainRecord } from '../../shared/json-object.js';
import { WATCHABLE_READS } from '../../shared/watchable-reads.js';

/** A read as a watch carries it, and the text that names it: two reads with one key are the same read. */
export type KeyedRead = { key: string; call: Call };

/**
 * The key of a read a live query may have answered by the leader, or
 * undefined when it may not: an operation that is not watchable, or an
 * argument that is not plain JSON (its JSON text could name two different
 * reads). Trailing undefined arguments are dropped: the engine's handler
 * gets the same parameters without them.
 */
export function keyedRead(op: OpName, args: readonly unknown[]): KeyedRead | undefined {
  if (!WATCHABLE_READS.has(op)) return undefined;
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const kept = args.slice(0, end);
  for (const arg of kept) if (!isJsonExactly(arg, 0)) return undefined;
  const text = JSON.stringify(kept);
  // The call is made from the text, so what the leader answers is exactly what the key names.
  return { key: `${op}:${text}`, call: { op, args: JSON.parse(text) as unknown[] } };
}

/** Whether JSON text of `value` names it exactly: finite numbers, strings, booleans, null, plain arrays and records of them. */
function isJsonExactly(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object' || depth > 32) return false;
  if (Array.isArray(value)) {
    if (!isPlainArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonExactly(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainRecord(value)) return false;
  for (const key of Object.keys(value))
    if (key === '__proto__' || !isJsonExactly((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
