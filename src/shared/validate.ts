import { ValidationError } from './errors.js';
import type { Json } from './types.js';

/**
 * Throws a ValidationError naming the path of the first part of `value` that
 * would not come back deep-equal from JSON: undefined, functions, symbols,
 * BigInt, NaN/±Infinity, cycles, sparse arrays, and objects that are not plain
 * (Date, Map, Set, class instances, typed arrays).
 */
export function assertJson(value: unknown, path = '$'): asserts value is Json {
  checkJson(value, path, new Set());
}

function checkJson(value: unknown, path: string, seen: Set<object>): void {
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
  if (seen.has(value)) throw new ValidationError('the value contains a cycle', path);
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new ValidationError('sparse arrays do not round-trip through JSON', `${path}[${i}]`);
      checkJson(value[i], `${path}[${i}]`, seen);
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto?.constructor?.name as string | undefined) ?? 'unknown';
      throw new ValidationError(`a ${kind} is not a plain JSON object`, path);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new ValidationError('symbol keys do not round-trip through JSON', path);
    }
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`, seen);
  }
  seen.delete(value);
}

/** Throws unless `value` is a non-empty string. */
export function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ValidationError(`${what} must be a non-empty string, got ${describe(value)}`, what);
  }
}

/** Throws unless `value` is a string (empty allowed). */
export function assertString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new ValidationError(`${what} must be a string, got ${describe(value)}`, what);
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
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}
