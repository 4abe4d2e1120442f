import { forgetDumpHandles } from '../shared/dump-handles.js';
import { assertDatabaseName } from '../shared/database-name.js';
import { errorNamed } from '../shared/error-name.js';
import { StorageError, ValidationError } from '../shared/errors.js';
import { deleteImage, imageKeys } from '../shared/idb-images.js';
import { deletePages, pagedNames } from '../shared/idb-pages.js';
import { POOL_ROOT, poolSlug } from '../shared/pool-slug.js';
import { leaderLockName, rpcChannelName, type RpcMessage } from '../shared/protocol.js';
import { forgetStore, registeredStores } from '../shared/store-registry.js';
import { describe } from '../shared/validate.js';

/** How long deleting waits for a gone tab's worker to free the OPFS files (the browser frees a crashed tab's handles shortly after). */
const FILES_HELD_MS = 10_000;

/** Options of deleteStore(); `path` is for server runtimes. */
export type DeleteStoreOptions = { path?: string };

/** Options of listStores(); `dir` is for server runtimes. */
export type ListStoresOptions = { dir?: string };

/**
 * Deletes database `name` of this origin: its OPFS directory (`.flowstore/<slug>`,
 * every pool file), its IndexedDB image and its entry in the list of names.
 * Store instances that have it open, in this tab or any other, are closed
 * first (their later calls reject with ClosedError; writes already running
 * finish): deleting waits for the database's Web Lock, which the leader gives
 * back once its worker let go of the files, and holds it while it deletes,
 * so no instance can open the database half deleted. A name that does not
 * exist is not an error. Resolves once everything is gone.
 * @throws ValidationError for a bad name, or given `path` (a server option).
 * @throws StorageError without Web Locks (not a secure context), or if the files stay held.
 */
export async function deleteStore(name: string, options?: DeleteStoreOptions): Promise<void> {
  assertDatabaseName(name);
  refuseServerOption(options, 'path');
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks)
    throw new StorageError('deleteStore() needs the Web Locks API, which this page lacks (it needs a secure context: https or localhost).');
  const rpc = new BroadcastChannel(rpcChannelName(name));
  try {
    rpc.postMessage({ type: 'deleting' } satisfies RpcMessage);
    await locks.request(leaderLockName(name), () => removeEverything(name));
  } finally {
    rpc.close();
  }
}

/**
 * The names of this origin's databases (on OPFS or IndexedDB), sorted.
 * Databases opened only by a flowstore older than listStores() are missing
 * until they are opened again (OPFS directories are named by a hash).
 * @throws ValidationError given `dir` (a server option).
 */
export async function listStores(options?: ListStoresOptions): Promise<string[]> {
  refuseServerOption(options, 'dir');
  if (typeof indexedDB === 'undefined') return [];
  const [names, paged, images] = await Promise.all([registeredStores(), pagedNames(), imageKeys()]);
  const all = new Set([...names, ...paged, ...images.filter((k) => k.startsWith('db:')).map((k) => k.slice(3))]);
  return [...all].sort();
}

async function removeEverything(name: string): Promise<void> {
  await removePool(name);
  if (typeof indexedDB === 'undefined') return;
  // The whole image of an earlier flowstore first: with the chunks gone, an open would take it for the database.
  await deleteImage(`db:${name}`);
  await deletePages(name);
  await forgetDumpHandles(name);
  await forgetStore(name);
}

async function removePool(name: string): Promise<void> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return;
  let pools: FileSystemDirectoryHandle;
  try {
    pools = await (await navigator.storage.getDirectory()).getDirectoryHandle(POOL_ROOT);
  } catch (err) {
    // No pools yet, or no OPFS for this page (a private window): nothing of it to remove.
    if (errorNamed(err, 'NotFoundError', 'SecurityError', 'TypeError')) return;
    throw toStorageError(name, err);
  }
  const deadline = Date.now() + FILES_HELD_MS;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      await pools.removeEntry(poolSlug(name), { recursive: true });
      return;
    } catch (err) {
      if (errorNamed(err, 'NotFoundError')) return;
      // A worker that was just stopped (or a crashed tab's) may still hold access handles for a moment.
      if (!errorNamed(err, 'NoModificationAllowedError', 'InvalidModificationError') || Date.now() + delay > deadline) {
        throw toStorageError(name, err);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function toStorageError(name: string, err: unknown): StorageError {
  return new StorageError(
    `Could not delete the OPFS files of database "${name}" (${(err as Error)?.message ?? String(err)}); nothing else of it was removed. Try again once no tab uses it.`,
    { cause: err },
  );
}

function refuseServerOption(options: unknown, key: 'path' | 'dir'): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null)
    throw new ValidationError(`options must be an object, got ${describe(options)}`, 'options');
  if ((options as Record<string, unknown>)[key] !== undefined) {
    throw new ValidationError(`${key} is for server runtimes (Node, Deno, Bun); in a browser, databases are named, not placed`, key);
  }
}
