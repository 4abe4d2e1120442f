import { StoreError, ValidationError } from './errors.js';
import { MAX_DEPTH } from './validate.js';

/**
 * A plain copy of a call's arguments, made when the call is made: what
 * travels to the engine, and what the checks then look at.
 *
 * Reactive objects of UI frameworks (Vue's reactive(), Svelte's $state, MobX
 * observables) are Proxies over plain data. To their user they are JSON
 * values, but structured clone refuses them, and one of them in a batch
 * would fail every call that shares its message. The copy reads them as
 * JSON.stringify would (own enumerable string keys, array elements), so what
 * is stored is their plain snapshot. Bytes are copied too: a caller may
 * reuse or transfer its buffer after the call.
 *
 * Anything else (a Date, a Map, a function, a class instance, an array with
 * named properties, a cycle, nesting past the limit) is left as it is, for
 * the checks to refuse with the path that names it.
 */
export function snapshotArgs(args: readonly unknown[]): unknown[] {
  return args.map((arg) => plain(arg));
}

/**
 * The plain snapshot of one argument (see {@link snapshotArgs}). A getter or
 * Proxy trap that throws while it is read makes a ValidationError, never the
 * trap's own error.
 */
export function plain<T>(value: T): T {
  try {
    return snapshot(value, 0, new Map()) as T;
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new ValidationError(`reading this argument threw (${detail}); pass plain data`, 'args');
  }
}

/**
 * How deep the copy goes. Past the value limit, so that checks measure depth
 * from each value's own root (a row inside a batch operation sits two levels
 * down), but bounded, so that no stack is ever at risk.
 */
const SNAPSHOT_DEPTH = MAX_DEPTH + 16;

function snapshot(value: unknown, depth: number, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Only a whole argument can be bytes (stream data); bytes inside a value are refused by the checks.
  if (value instanceof Uint8Array) return depth === 0 ? copyBytes(value) : value;
  // A cycle becomes the same cycle in the copy, for the checks to name where it closes.
  if (seen.has(value)) return seen.get(value);
  if (depth > SNAPSHOT_DEPTH) return value;
  try {
    if (Array.isArray(value)) {
      if (!isPlainArray(value)) return value;
      const out = new Array<unknown>(value.length);
      seen.set(value, out);
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return value;
        out[i] = snapshot(value[i], depth + 1, seen);
      }
      return out;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    if (Object.getOwnPropertySymbols(value).length > 0) return value;
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) {
      // defineProperty: a "__proto__" key is data, not the prototype.
      Object.defineProperty(out, key, {
        value: snapshot((value as Record<string, unknown>)[key], depth + 1, seen),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** True for an array whose own keys are its elements and length only. */
export function isPlainArray(value: unknown[]): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Array.prototype) return false;
  const keys = Reflect.ownKeys(value);
  return keys.length === value.length + 1;
}

function copyBytes(bytes: Uint8Array): Uint8Array {
  try {
    if (isDetached(bytes.buffer)) throw new TypeError('detached');
    // Uint8Array's own slice: Node's Buffer#slice would return a view on the same memory.
    return Uint8Array.prototype.slice.call(bytes);
  } catch {
    throw new ValidationError('the bytes are gone: their ArrayBuffer was transferred or detached before the call', 'frame.data');
  }
}

function isDetached(buffer: ArrayBufferLike): boolean {
  const flag = (buffer as { detached?: unknown }).detached;
  return flag === true;
}
