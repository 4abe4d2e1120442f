import type { DumpDir } from './dump-dir.js';

/** The File System API's permission calls, which TypeScript's DOM types do not list yet. */
type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?(desc: { mode: 'readwrite' }): Promise<PermissionState>;
};

/** A file handle in a worker, where OPFS files also open synchronously. */
type SyncFileHandle = FileSystemFileHandle & {
  createSyncAccessHandle(): Promise<{
    truncate(size: number): void;
    write(bytes: Uint8Array, opts: { at: number }): number;
    flush(): void;
    close(): void;
  }>;
};

/**
 * Files in a directory handle: an OPFS directory or a folder the user picked.
 * Writes go through createWritable(), which writes a copy and swaps it in on
 * close(); where a worker lacks it (older WebKit), through a sync access
 * handle (OPFS only), truncated to the new length.
 */
export function handleDir(handle: FileSystemDirectoryHandle, label: string): DumpDir {
  return {
    label,
    async ready() {
      const state = await (handle as PermissionHandle).queryPermission?.({ mode: 'readwrite' });
      if (state !== undefined && state !== 'granted') {
        throw new DOMException(
          `the browser has not granted write access to the folder "${handle.name}" (${state}); open the table again with the folder's handle from a user gesture (a click) so flowstore can ask for it`,
          'NotAllowedError',
        );
      }
    },
    async write(file, text) {
      const fileHandle = await handle.getFileHandle(file, { create: true });
      const bytes = new TextEncoder().encode(text);
      if (typeof fileHandle.createWritable === 'function') {
        const writable = await fileHandle.createWritable();
        try {
          await writable.write(bytes);
        } catch (err) {
          await writable.abort().catch(() => {});
          throw err;
        }
        await writable.close();
        return;
      }
      const access = await (fileHandle as SyncFileHandle).createSyncAccessHandle();
      try {
        access.truncate(0);
        access.write(bytes, { at: 0 });
        access.flush();
      } finally {
        access.close();
      }
    },
    async remove(file) {
      try {
        await handle.removeEntry(file);
      } catch (err) {
        if ((err as DOMException | null)?.name !== 'NotFoundError') throw err;
      }
    },
  };
}

/** The OPFS directory at `path` under the origin's root, created if missing. */
export async function opfsDir(path: string): Promise<DumpDir> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split(/[/\\]/).filter((p) => p !== '' && p !== '.')) dir = await dir.getDirectoryHandle(part, { create: true });
  return handleDir(dir, `OPFS ${path}`);
}
