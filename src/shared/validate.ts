import { ValidationError } from './errors.js';
import { hasSymbolData, isPlainArray, isPlainRecord } from './json-object.js';
import type { Json } from './types.js';

/**
 * How deeply a value may nest (an array or object inside another counts one
 * level). Deeper values are refused: every layer that handles a value
 * (structured clone between threads, JSON, SQLite's JSON functions) recurses,
 * and a thread's stack gives out at a few thousand levels, sooner in a worker.
 */
export const MAX_DEPTH = 128;

/**
 * Throws a ValidationError naming the path of the first part of `value` that
 * would not come back deep-equal from JSON: undefined, functions, symbols,
 * BigInt, NaN/±Infinity, cycles, sparse arrays, arrays with named
 * properties, objects that are not plain (Date, Map, Set, class instances,
 * typed arrays), and nesting deeper than {@link MAX_DEPTH}. Strings may hold
 * any UTF-16, lone surrogates included: JSON text keeps them as escapes.
 */
export function assertJson(value: unknown, path = '$'): asserts value is Json {
  if (!isPlainJson(value, 0)) checkJson(value, path, 0, new Set());
}

/** Whether `value` would come back deep-equal from JSON (what {@link assertJson} accepts), without saying why not. */
export function isJsonValue(value: unknown): boolean {
  return isPlainJson(value, 0);
}

/**
 * The common case, without paths or a seen-set: true if `value` passes every
 * check of checkJson. False sends it through checkJson, which names what is
 * wrong (a cycle shows here as depth, and checkJson tells the two apart).
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (!isPlainArray(value)) return false;
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainRecord(value)) return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) if (!isPlainJson((value as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
  return true;
}

function checkJson(value: unknown, path: string, depth: number, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new ValidationError(`${value} is not a JSON number`, path);
      return;
    case 'object':
      break;
    default:
      throw new ValidationError(`a ${typeof value} is not a JSON value`, path);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH) throw new ValidationError(`values may nest at most ${MAX_DEPTH} levels deep`, path);
  if (seen.has(value)) throw new ValidationError('the value contains a cycle', path);
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new ValidationError('sparse arrays do not round-trip through JSON', `${path}[${i}]`);
      checkJson(value[i], `${path}[${i}]`, depth + 1, seen);
    }
    if (Reflect.ownKeys(value).length !== value.length + 1 || Object.getPrototypeOf(value) !== Array.prototype) {
      throw new ValidationError('an array with named properties (or of a subclass) does not round-trip through JSON', path);
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto?.constructor?.name as string | undefined) ?? 'unknown';
      throw new ValidationError(`a ${kind} is not a plain JSON object`, path);
    }
    refuseSymbolData(value, path);
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`, depth + 1, seen);
  }
  seen.delete(value);
}

/** Throws if `value` has an enumerable symbol key (see hasSymbolData): JSON would drop it without a word. */
export function refuseSymbolData(value: object, path: string): void {
  if (hasSymbolData(value)) throw new ValidationError('symbol keys do not round-trip through JSON', path);
}

/**
 * Throws unless `text` is well-formed Unicode. Keys, ids and names are stored
 * as SQLite text (UTF-8), where a lone surrogate cannot exist: it would be
 * replaced by U+FFFD, and two different keys would become one.
 */
export function assertWellFormed(text: string, what: string): void {
  if (isWellFormed(text)) return;
  const at = firstLoneSurrogate(text);
  const unit = text.charCodeAt(at).toString(16).toUpperCase();
  throw new ValidationError(
    `${what} holds a lone surrogate (U+${unit} at index ${at}), which cannot be stored as text; keys, ids and names must be well-formed Unicode`,
    what,
  );
}

const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

function isWellFormed(text: string): boolean {
  return nativeIsWellFormed ? nativeIsWellFormed.call(text) : firstLoneSurrogate(text) === -1;
}

function firstLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

/** Throws unless `value` is a non-empty, well-formed string. */
export function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${what} must be a non-empty string, got ${describe(value)}`, what);
  }
  assertWellFormed(value, what);
}

/** Throws unless `value` is a well-formed string (empty allowed). */
export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(`${what} must be a string, got ${describe(value)}`, what);
  assertWellFormed(value, what);
}

/** Throws unless file path `path` is free of U+0000: file systems end a name there, and some bindings would open the file named by what comes before it. */
export function assertFilePath(path: string, what: string): void {
  if (path.includes('\0')) throw new ValidationError(`${what} must not contain U+0000 (no file name can hold it)`, what);
}

/** Throws unless `value` is a whole number in [min, max]. */
export function assertInt(value: unknown, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be a whole number from ${min} to ${max}, got ${describe(value)}`, what);
  }
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return Array.isArray(value) ? 'an array' : 'an object';
  } catch {
    // A revoked Proxy throws even on Array.isArray: the message must not.
    return 'an unreadable object (a revoked Proxy?)';
  }
}
