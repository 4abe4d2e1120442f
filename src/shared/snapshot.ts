import { StoreError, ValidationError } from './errors.js';
import { hasSymbolData, isPlainArray, isPlainRecord } from './json-object.js';
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
  // Pushed, not preallocated: a packed array, which the engine's spread of the arguments takes on its fast path.
  const out: unknown[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // Anything but an object is its own snapshot (plain() returns it as it is).
    out.push(typeof arg !== 'object' || arg === null || ownedValues.has(arg) ? arg : plain(arg));
  }
  return out;
}

const ownedValues = new WeakSet<object>();

/**
 * Marks `value` as an argument that {@link snapshotArgs} passes on as it is:
 * a snapshot the facade just made and checked, or an object flowstore made
 * itself (a table's checked schema), that no caller of the store can reach
 * and nothing changes afterwards. Copying it again would only cost time, and
 * a fresh copy of a table's schema in every call would make structured clone
 * send the schema once per call instead of once per message.
 */
export function owned<T extends object>(value: T): T {
  ownedValues.add(value);
  return value;
}

/**
 * The plain snapshot of one argument (see {@link snapshotArgs}). A getter or
 * Proxy trap that throws while it is read makes a ValidationError, never the
 * trap's own error.
 */
export function plain<T>(value: T): T {
  try {
    const copy = plainJson(value, 0);
    return (copy === NOT_PLAIN ? snapshot(value, 0, new Map()) : copy) as T;
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

/** What {@link plainJson} returns for a value it leaves to {@link snapshot}. */
const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * The common case, in one lean pass: a copy of a value that is plain JSON
 * through and through, read in the same order and with the same reads as
 * {@link snapshot} (so Proxies see the same traps). At the first part that is
 * not (anything the checks would refuse, a Proxy-free copy could not hold as
 * data, or a nesting that may be a cycle) it gives up with NOT_PLAIN, and the
 * full snapshot copies the value again, for the checks to name what is wrong.
 */
function plainJson(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return value;
  // Without a seen-set, a cycle shows as depth: the full snapshot (which keeps one) takes over.
  if (depth >= MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    if (!isPlainArray(value)) return NOT_PLAIN;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return NOT_PLAIN;
      const item = plainJson(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item;
    }
    return out;
  }
  if (!isPlainRecord(value)) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Assigning "__proto__" would set the copy's prototype: the full snapshot defines it as data.
    if (key === '__proto__') return NOT_PLAIN;
    const item = plainJson((value as Record<string, unknown>)[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    out[key] = item;
  }
  return out;
}

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
    if (hasSymbolData(value)) return value;
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
