import { isPlainObject, setOwn } from '../shared/json-object.js';
import type { Json, JsonObject } from '../shared/types.js';

/**
 * Applies a JSON merge patch (RFC 7396) to `target` and returns the result;
 * neither input is changed. Object patches merge recursively and `null`
 * deletes a key; any other patch replaces the target whole.
 */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isPlainObject(patch)) return patch;
  const result: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
