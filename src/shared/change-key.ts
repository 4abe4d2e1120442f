/**
 * The `key` of a change notice for an entity named by several parts, e.g.
 * (run, node) or (stream, attempt): the parts as a JSON array, so that no id
 * can make two entities share a key (`["build/1",0]`). Listeners compare keys
 * with a key built the same way, or `JSON.parse` them back into parts.
 */
export function changeKey(...parts: (string | number)[]): string {
  return JSON.stringify(parts);
}
