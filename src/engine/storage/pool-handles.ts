import { errorNamed } from '../../shared/error-name.js';

/** How long a new worker waits for a gone worker's access handles before trying anyway. */
const PATIENCE_MS = 2_000;

/**
 * Resolves once no other worker holds access handles to the files in the OPFS
 * directory `path` (or at once if it does not exist), or after `patienceMs`.
 *
 * After a reload, the gone page's worker is stopped a moment after the new
 * page took the leader lock, and its handles with it. Installing the pool
 * over held files fails, and sqlite-wasm logs that failure to the console
 * before it throws; waiting here first keeps an ordinary reload quiet. It
 * never throws: whatever still stands in the way, the install reports it.
 * `onWait` hears once that a file was found held and the wait began.
 */
export async function filesReleased(path: string, patienceMs = PATIENCE_MS, onWait?: () => void): Promise<void> {
  let files: SyncFileHandle[];
  try {
    files = await filesIn(path);
  } catch {
    return;
  }
  const deadline = Date.now() + patienceMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const held = await Promise.all(files.map(isHeld));
    if (!held.includes(true) || Date.now() + delay > deadline) return;
    if (delay === 5) onWait?.();
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** The worker-only part of a file handle (TypeScript's DOM lib, which the engine is checked with, lacks it). */
type SyncFileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<{ close(): void }> };

async function filesIn(path: string): Promise<SyncFileHandle[]> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/')) dir = await dir.getDirectoryHandle(part);
  const files: SyncFileHandle[] = [];
  // entries() is in every engine's OPFS but not in TypeScript's DOM lib yet.
  for await (const [, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind === 'file') files.push(handle as SyncFileHandle);
  }
  return files;
}

/** True if another handle or writable holds `file`; false when it opened (and was closed again) or failed otherwise. */
async function isHeld(file: SyncFileHandle): Promise<boolean> {
  try {
    (await file.createSyncAccessHandle()).close();
    return false;
  } catch (err) {
    return errorNamed(err, 'NoModificationAllowedError', 'InvalidModificationError');
  }
}
