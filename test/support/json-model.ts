/**
 * The value space as the README states it, written out independently of
 * src/: what a store must accept, and what it must then give back. A value
 * is accepted if it is JSON all the way down — strings of any UTF-16 (lone
 * surrogates included), finite numbers (-0 comes back as 0), booleans, null,
 * arrays whose own keys are exactly their elements, objects whose prototype
 * is Object.prototype or null and that have no enumerable symbol keys — with at most
 * {@link MAX_NESTING} levels of arrays and objects. Proxies are read as
 * JSON.stringify reads them; a value whose reading throws is refused.
 */
export const MAX_NESTING = 128;

export type Verdict = { ok: true; value: unknown } | { ok: false; why: string };

class Refused extends Error {}

/** What the store must do with `value` in a JSON position. */
export function modelJson(value: unknown): Verdict {
  try {
    return { ok: true, value: copy(value, 0, new Set()) };
  } catch (err) {
    return { ok: false, why: err instanceof Refused ? err.message : `reading it threw: ${String(err)}` };
  }
}

/** What the store must do with a frame's data: bytes (a live Uint8Array) are fine outside summary mode. */
export function modelFrameData(value: unknown, summary: boolean): Verdict {
  let bytes: boolean;
  try {
    bytes = value instanceof Uint8Array;
  } catch {
    return { ok: false, why: 'reading it threw' };
  }
  if (bytes && !summary) {
    try {
      // slice() throws on a detached buffer: such bytes are gone and must be refused.
      return { ok: true, value: Uint8Array.prototype.slice.call(value) };
    } catch {
      return { ok: false, why: 'detached bytes' };
    }
  }
  return modelJson(value);
}

function copy(value: unknown, depth: number, stack: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Refused('not a finite number');
      return value === 0 ? 0 : value;
    case 'object':
      break;
    default:
      throw new Refused(typeof value);
  }
  if (value === null) return null;
  if (depth >= MAX_NESTING) throw new Refused('too deep');
  if (stack.has(value)) throw new Refused('cycle');
  stack.add(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  let out: unknown;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) throw new Refused('array subclass');
    if (Reflect.ownKeys(value).length !== value.length + 1) throw new Refused('holes or named properties');
    out = Array.from({ length: value.length }, (_, i) => copy(value[i], depth + 1, stack));
  } else {
    if (proto !== Object.prototype && proto !== null) throw new Refused('not a plain object');
    // Hidden symbol keys (a library's bookkeeping) are left out, as JSON leaves them; enumerable ones are data JSON would drop.
    if (Object.getOwnPropertySymbols(value).some((key) => Object.getOwnPropertyDescriptor(value, key)?.enumerable))
      throw new Refused('symbol keys');
    const obj: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = copy((value as Record<string, unknown>)[key], depth + 1, stack);
      Object.defineProperty(obj, key, { value: item, writable: true, enumerable: true, configurable: true });
    }
    out = obj;
  }
  stack.delete(value);
  return out;
}

/**
 * Whether `actual` (read back from the store) is exactly `expected` (a model
 * copy): same types, same own keys, strings unit for unit, numbers by
 * Object.is. Key order is not compared.
 */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected instanceof Uint8Array) {
    return actual instanceof Uint8Array && actual.length === expected.length && actual.every((b, i) => b === expected[i]);
  }
  if (typeof expected !== 'object' || expected === null) return Object.is(actual, expected);
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameValue(actual[i], e));
  }
  if (Array.isArray(actual)) return false;
  const keys = Object.keys(expected).sort();
  const got = Object.keys(actual).sort();
  if (keys.length !== got.length || keys.some((k, i) => k !== got[i])) return false;
  return keys.every((k) => sameValue((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` has no lone surrogate. */
export function isWellFormed(text: string): boolean {
  return !LONE.test(text);
}

/** `text` with each lone surrogate replaced by U+FFFD, as a UTF-8 round trip would leave it. */
export function toWellFormed(text: string): string {
  return text.replace(new RegExp(LONE.source, 'g'), '\uFFFD');
}
