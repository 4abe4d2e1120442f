/**
 * A non-null, non-array object whose prototype is Object.prototype or null:
 * an object literal, JSON.parse output or a structured clone of one. Class
 * instances (Date, Map, …) are not plain.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Stores `value` under `key` as an own, enumerable property. Use it when keys
 * come from user data: a plain assignment to "__proto__" would change the
 * prototype instead of storing the key.
 */
export function setOwn<V>(obj: Record<string, V>, key: string, value: V): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** True for an array whose own keys are its elements and length only. */
export function isPlainArray(value: unknown[]): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Array.prototype) return false;
  const keys = Reflect.ownKeys(value);
  return keys.length === value.length + 1;
}

/** True for an object whose prototype is Object.prototype or null and that has no symbol keys holding data: a record of JSON fields. */
export function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !hasSymbolData(value);
}

/**
 * Whether `value` has an own enumerable symbol key: data that JSON (and
 * structured clone) would drop without a word. A hidden one is a library's
 * bookkeeping, not data (MobX keeps its administration under one), and is
 * left out as JSON leaves it.
 */
export function hasSymbolData(value: object): boolean {
  const symbols = Object.getOwnPropertySymbols(value);
  for (const symbol of symbols) if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return true;
  return false;
}
