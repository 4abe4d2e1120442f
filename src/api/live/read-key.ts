import type { Call, OpName } from '../../shared/protocol.js';
import type { Dependency } from '../../shared/read-deps.js';
import { isJsonValue } from '../../shared/validate.js';
import { WATCHABLE_READS } from '../../shared/watchable-reads.js';

/** A read as a watch carries it, the text that names it (two reads with one key are the same read), and what it depends on. */
export type KeyedRead = { key: string; call: Call; dep: Dependency };

/**
 * The key of a read a live query may have answered by the leader, or
 * undefined when it may not: an operation that is not watchable, or an
 * argument that JSON would not give back as it is (its text could name two
 * different reads; -0 as well, which JSON writes as 0). Trailing undefined
 * arguments are dropped: the engine's handler gets the same parameters without them.
 */
export function keyedRead(op: OpName, args: readonly unknown[], dep: Dependency): KeyedRead | undefined {
  if (!WATCHABLE_READS.has(op)) return undefined;
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  const kept = args.slice(0, end);
  if (!isJsonValue(kept)) return undefined;
  let negativeZero = false;
  const text = JSON.stringify(kept, (_key, value: unknown) => {
    if (Object.is(value, -0)) negativeZero = true;
    return value;
  });
  if (negativeZero) return undefined;
  // The call is made from the text, so what the leader answers is exactly what the key names.
  return { key: `${op}:${text}`, call: { op, args: JSON.parse(text) as unknown[] }, dep };
}
