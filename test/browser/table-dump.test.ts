import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type DumpError, type Store, type TableSchema } from '../../src/index.js';
import { uniqueName } from '../support/backends.js';
import { autoStorage } from '../support/engine.js';

type Note = { title: string; body?: string };
const fields = { title: { type: 'string', required: true }, body: { type: 'string' } } satisfies TableSchema['fields'];

/** A fresh folder as a directory handle: an OPFS one, the same kind of object showDirectoryPicker() gives. */
async function folder(): Promise<FileSystemDirectoryHandle> {
  return (await navigator.storage.getDirectory()).getDirectoryHandle(uniqueName('picked'), { create: true });
}

async function read(dir: FileSystemDirectoryHandle, file: string): Promise<string | undefined> {
  try {
    return await (await (await dir.getFileHandle(file)).getFile()).text();
  } catch {
    return undefined;
  }
}

const hasOpfsDirs = typeof navigator.storage?.getDirectory === 'function';
const none = (() => {}) as unknown as typeof describe;

// WebKitGTK gives pages no OPFS: no directory to dump into, and no handle to test with.
(hasOpfsDirs ? none : describe)('table dumps where the page has no file system', () => {
  it('opens a table whose dump has nowhere to go, and says so with a DumpError on each write', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const store = await openStore({ name: uniqueName('dump-nowhere'), storage: autoStorage });
    try {
      const errors: DumpError[] = [];
      store.onDumpError((err) => errors.push(err));
      const t = await store.table<Note>('notes', { fields, dump: { dir: 'notes' } });
      const row = await t.create({ title: 'kept' });
      await vi.waitFor(() => expect(errors.flatMap((e) => e.rowIds)).toContain(row.id));
      expect(errors[0]!.message).toContain('no file system');
      expect((await t.get(row.id)).data.title).toBe('kept');
    } finally {
      warn.mockRestore();
      await store.close();
    }
  });
});

(hasOpfsDirs ? describe : none)('table dumps into a directory handle (a picked folder), across stores and tabs', () => {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const openOne = async (name: string) => {
    const store = await openStore({ name, storage: autoStorage });
    open.push(store);
    return store;
  };

  it('keeps the handle in IndexedDB: after the store is opened again, a table opened without its dump still writes to the folder, and reconcileDump() repairs it', async () => {
    const name = uniqueName('dump-handle');
    const dir = await folder();
    const first = await openOne(name);
    const row = await (await first.table<Note>('notes', { fields, dump: { dir } })).create({ title: 'one', body: 'first' });
    expect(await read(dir, `${row.id}.md`)).toMatch(/^# one\n\nfirst\n/);
    await first.close();

    const again = await openOne(name);
    const t = await again.table<Note>('notes', { fields });
    await t.update(row.id, { title: 'two' });
    expect(await read(dir, `${row.id}.md`)).toMatch(/^# two\n\nfirst\n/);

    // The folder taken away and given back (as a revoked and restored permission would): asked to, the table catches up.
    const failed = new Promise<DumpError>((resolve) => again.onDumpError(resolve));
    await dir.removeEntry(`${row.id}.md`);
    await dir.getDirectoryHandle(`${row.id}.md`, { create: true });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await t.update(row.id, { body: 'second' });
    expect((await failed).rowIds).toEqual([row.id]);
    warn.mockRestore();
    await dir.removeEntry(`${row.id}.md`, { recursive: true });
    expect(await t.reconcileDump()).toBe(true);
    expect(await read(dir, `${row.id}.md`)).toMatch(/^# two\n\nsecond\n/);
  });

  it("a follower's folder reaches the leader; updates from both leave the last committed version; both hear a DumpError; the next leader repairs the file", async () => {
    const name = uniqueName('dump-pair');
    const dir = await folder();
    const leader = await openOne(name);
    const follower = await openOne(name);
    expect([leader.role, follower.role]).toEqual(['leader', 'follower']);
    const viaFollower = await follower.table<Note>('notes', { fields, dump: { dir } });
    const viaLeader = await leader.table<Note>('notes', { fields });
    const row = await viaFollower.create({ title: 't0' });

    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? viaLeader : viaFollower).update(row.id, { title: `t${i + 1}`, body: `from ${i % 2}` })),
    );
    const last = await viaLeader.get(row.id);
    expect(await read(dir, `${row.id}.md`)).toMatch(new RegExp(`^# ${last.data.title}\n\n${last.data.body}\n`));

    const heard = (store: Store) => new Promise<DumpError>((resolve) => store.onDumpError(resolve));
    const [atLeader, atFollower] = [heard(leader), heard(follower)];
    await dir.removeEntry(`${row.id}.md`);
    await dir.getDirectoryHandle(`${row.id}.md`, { create: true }); // a folder where the file goes: the write fails
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await viaFollower.update(row.id, { title: 'while blocked' });
    expect((await atLeader).rowIds).toEqual([row.id]);
    expect((await atFollower).table).toBe('notes');
    warn.mockRestore();

    await dir.removeEntry(`${row.id}.md`, { recursive: true });
    await leader.close();
    // The follower's next call runs in its own worker once it leads, after that worker's reconcile.
    expect(await viaFollower.count()).toBe(1);
    expect(follower.role).toBe('leader');
    expect(await read(dir, `${row.id}.md`)).toMatch(/^# while blocked\n/);
  });
});
