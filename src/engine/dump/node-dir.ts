import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DumpDir } from './dump-dir.js';

let temps = 0;

/**
 * Files in a directory on Node, Deno and Bun, created with its parents if
 * missing. A write goes to a temporary file that is fsynced and renamed over
 * the old one, so a crash leaves the old file or the new one, never a mix;
 * flush() syncs the directory, so the new name itself survives a power cut.
 */
export function nodeDumpDir(path: string): DumpDir {
  const dir = resolve(path);
  let made: Promise<unknown> | undefined;
  return {
    label: dir,
    async ready() {
      made ??= mkdir(dir, { recursive: true }).catch((err: unknown) => {
        made = undefined;
        throw err;
      });
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
      // Windows cannot open a directory for syncing; its renames are journaled by NTFS.
      if (process.platform === 'win32') return;
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}
