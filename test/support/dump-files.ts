import { uniqueName } from './backends.js';

/**
 * The directory a table dump writes to, as a test sees it: a real directory
 * on Node, Deno and Bun; a directory under the OPFS root in a browser, read
 * from the page while the store's worker writes it.
 */
export type DumpFiles = {
  /** What to pass as `dump.dir`. */
  dir: string;
  /** The text of a file, or undefined if there is none. */
  read(file: string): Promise<string | undefined>;
  /** The names of the Markdown files in the directory, sorted. */
  list(): Promise<string[]>;
  /** Puts a directory where `file` should be, so writing the file fails; `heal` takes it away. */
  block(file: string): Promise<void>;
  heal(file: string): Promise<void>;
};

const inBrowser = typeof window !== 'undefined';
// A Durable Object has no files for a dump to write to.
const inWorkerd = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';
const node =
  inBrowser || inWorkerd
    ? undefined
    : { fs: await import('node:fs/promises'), os: await import('node:os'), path: await import('node:path') };

/** Whether this runtime has a file system a dump can write to (WebKitGTK offers the page no OPFS, workerd none at all). */
export const hasDumpFiles = !inWorkerd && (!inBrowser || typeof navigator.storage?.getDirectory === 'function');

/** A fresh, empty dump directory. */
export async function dumpFiles(): Promise<DumpFiles> {
  return inBrowser
    ? opfsFiles(`dumps/${uniqueName('d')}`)
    : nodeFiles(await node!.fs.mkdtemp(node!.path.join(node!.os.tmpdir(), 'flowstore-dump-')));
}

function nodeFiles(dir: string): DumpFiles {
  const { fs, path } = node!;
  const at = (file: string) => path.join(dir, file);
  return {
    dir,
    read: (file) => fs.readFile(at(file), 'utf8').catch(() => undefined),
    list: async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.md')).sort(),
    block: async (file) => {
      await fs.rm(at(file), { force: true });
      await fs.mkdir(at(file));
    },
    heal: (file) => fs.rm(at(file), { recursive: true, force: true }),
  };
}

async function opfsFiles(dir: string): Promise<DumpFiles> {
  const folder = async () => {
    let handle = await navigator.storage.getDirectory();
    for (const part of dir.split('/')) handle = await handle.getDirectoryHandle(part, { create: true });
    return handle;
  };
  return {
    dir,
    read: async (file) => {
      try {
        return await (await (await (await folder()).getFileHandle(file)).getFile()).text();
      } catch {
        return undefined;
      }
    },
    list: async () => {
      const names: string[] = [];
      for await (const name of ((await folder()) as unknown as { keys(): AsyncIterable<string> }).keys())
        if (name.endsWith('.md')) names.push(name);
      return names.sort();
    },
    block: async (file) => {
      const f = await folder();
      await f.removeEntry(file).catch(() => {});
      await f.getDirectoryHandle(file, { create: true });
    },
    heal: async (file) => (await folder()).removeEntry(file, { recursive: true }),
  };
}
