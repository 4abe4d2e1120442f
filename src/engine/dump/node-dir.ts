import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DumpDir } from './dump-dir.js';

let temps = 0;

/**
 * What a directory sync answers where the file system or the platform has
 * none (some network and FUSE file systems, a directory the process may
 * write but not open): the renames are then as durable as that file system
 * makes them, which is all there is to have; SQLite treats a failed
 * directory sync the same way.
 */
const NO_DIRECTORY_SYNC = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF', 'EISDIR', 'EACCES', 'EPERM']);

/**
 * Files in a directory on Node, Deno and Bun, created with its parents if
 * missing. A write goes to a temporary file that is fsynced and renamed over
 * the old one, so a crash leaves the old file or the new one, never a mix;
 * flush() syncs the directory (and, once, the parents of the directories
 * ready() created), so the new names survive a power cut too.
 */
export function nodeDumpDir(path: string): DumpDir {
  const dir = resolve(path);
  let made: Promise<unknown> | undefined;
  // Directories whose entries changed since the last flush, beyond `dir` itself: the parents of created ones.
  let created: string[] = [];
  let syncs = process.platform !== 'win32';
  return {
    label: dir,
    async ready() {
      made ??= mkdir(dir, { recursive: true }).then(
        (first) => {
          if (first !== undefined) created = parentsFrom(first, dir);
        },
        (err: unknown) => {
          made = undefined;
          throw err;
        },
      );
      await made;
    },
    async write(file, text) {
      const temp = join(dir, `.${file}.${process.pid}.${++temps}.tmp`);
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, join(dir, file));
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async remove(file) {
      await rm(join(dir, file), { force: true });
    },
    async flush() {
      // Node on Windows cannot flush a directory (it opens one read-only); NTFS journals its renames.
      if (!syncs) return;
      for (const each of [...created, dir]) {
        if (!(await syncDirectory(each))) {
          syncs = false;
          return;
        }
      }
      created = [];
    },
  };
}

/** Syncs one directory; false where the file system has no such call (see NO_DIRECTORY_SYNC), throws on a real failure. */
async function syncDirectory(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
    return true;
  } catch (err) {
    if (NO_DIRECTORY_SYNC.has((err as { code?: string }).code ?? '')) return false;
    throw err;
  } finally {
    await handle?.close();
  }
}

/** The directories holding the entries that mkdir made, from the parent of `first` (the first it created) down to `dir`'s parent. */
function parentsFrom(first: string, dir: string): string[] {
  const parents: string[] = [];
  for (let at = dirname(dir); ; at = dirname(at)) {
    parents.unshift(at);
    if (at === dirname(first) || at === dirname(at)) return parents;
  }
}
