/**
 * The OPFS directory name (and sahpool VFS name) of a database: a readable
 * part plus a hash, safe as a directory name whatever the database name holds.
 */
export function poolSlug(name: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const readable = name.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
  return `${readable}-${hash.toString(16).padStart(8, '0')}`;
}

/** The OPFS directory (under the origin's root) that holds every database's pool directory. */
export const POOL_ROOT = '.flowstore';
