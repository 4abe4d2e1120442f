import type { Store } from '../../src/index.js';
import { byTestId, clear, coalesce, h, onClick, showError } from './dom.js';

/** How many files the panel shows, newest first. */
const SHOWN = 12;

type Picker = { showDirectoryPicker(opts: { mode: 'readwrite' }): Promise<FileSystemDirectoryHandle> };

/** Where the `tasks` table's Markdown files go, or undefined where the page has no OPFS (WebKit). */
export function dumpDir(dbName: string): string | undefined {
  return typeof navigator.storage?.getDirectory === 'function' ? `flowstore-demo/${dbName.replace(/[/\\]/g, '_')}/tasks` : undefined;
}

/**
 * The `tasks` table's Markdown files: read from OPFS (or the folder picked
 * with "Write to a folder…") after each change of the table; the store
 * writes a row's file before the write resolves, so the notice finds it written.
 */
export function mountDump(store: Store, path: string | undefined, reopen: (dir: FileSystemDirectoryHandle) => Promise<void>): void {
  const list = byTestId('dump-files');
  const where = byTestId('dump-where');
  const errorEl = byTestId('dump-error');
  if (path === undefined) {
    where.textContent = 'no OPFS in this browser';
    list.replaceChildren(h('p', { class: 'empty' }, 'This browser gives pages no file system, so the rows are not written as files.'));
    return;
  }
  let dir: Promise<FileSystemDirectoryHandle> = opfsFolder(path);
  where.textContent = `OPFS ${path}`;

  const refresh = coalesce(async () => {
    const files: File[] = [];
    for await (const entry of ((await dir) as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      if (entry.kind === 'file' && entry.name.endsWith('.md')) files.push(await (entry as FileSystemFileHandle).getFile());
    }
    files.sort((a, b) => b.lastModified - a.lastModified || a.name.localeCompare(b.name));
    byTestId('dump-count').textContent = `${files.length} file${files.length === 1 ? '' : 's'}`;
    const shown = await Promise.all(
      files.slice(0, SHOWN).map(async (f, i) =>
        h(
          'details',
          // The newest file open: what the last write left.
          { class: 'dump-file', 'data-testid': 'dump-file', 'data-name': f.name, ...(i === 0 && { open: '' }) },
          h('summary', {}, h('code', {}, f.name)),
          h('pre', { class: 'value', 'data-testid': 'dump-file-text' }, await f.text()),
        ),
      ),
    );
    list.replaceChildren(...(shown.length ? shown : [h('p', { class: 'empty' }, 'No files yet: create a row above.')]));
  });

  store.onChange((c) => {
    if (c.module === 'table' && c.key === 'tasks') refresh();
  });
  store.onDumpError((err) => showError(errorEl, err));
  refresh();

  const pick = byTestId<HTMLButtonElement>('dump-pick');
  if (!('showDirectoryPicker' in window)) return;
  pick.hidden = false;
  onClick(pick, errorEl, async () => {
    const folder = await (window as unknown as Picker).showDirectoryPicker({ mode: 'readwrite' });
    clear(errorEl);
    // A click is a user gesture: opening the table with the folder may ask for write access now.
    await reopen(folder);
    dir = Promise.resolve(folder);
    where.textContent = `folder ${folder.name}`;
    refresh();
  });
}

async function opfsFolder(path: string): Promise<FileSystemDirectoryHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/')) dir = await dir.getDirectoryHandle(part, { create: true });
  return dir;
}
