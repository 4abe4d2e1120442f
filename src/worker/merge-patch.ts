import type { Json, JsonObject } from '../types.js';

/**
 * Applies a JSON merge patch (RFC 7396) to `target` and returns the result;
 * neither input is changed. Object patches merge recursively and `null`
 * deletes a key; any other patch replaces the target whole.
 */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A plain assignment to "__proto__" would change the prototype instead of storing the key.
function setOwn(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}
