import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ClosedError, deleteStore, listStores, openStore, StorageError, ValidationError } from '../../src/server.js';
import { fillEveryModule, readEveryModule } from '../support/every-module.js';
import { Child, runtimes } from '../support/child-process.js';
import { foreignDatabases } from '../support/foreign-databases.js';
import { editImage } from '../support/images.js';

const dir = mkdtempSync(join(tmpdir(), 'flowstore-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists the flowstore files of a directory, and deletes one held by a store of this process (which ends) or by none', async () => {
  expect(await listStores({ dir })).toEqual([]);
  const a = await openStore({ name: 'a', path: join(dir, 'a.sqlite3') });
  await fillEveryModule(a, 'a');
  const live = a.globals.live('shared');
  const ended = new Promise<void>((resolve) => live.subscribe({ next: () => {}, complete: resolve }));
  const b = await openStore({ name: 'b', path: join(dir, 'b.sqlite3') });
  await b.globals.put('k', 1);
  await b.close();
  writeFileSync(join(dir, 'notes.txt'), 'not a database');
  expect(await listStores({ dir })).toEqual(['a.sqlite3', 'b.sqlite3']);

  // a: open here; its store ends, its files go.
  await deleteStore('a', { path: join(dir, 'a.sqlite3') });
  await ended;
  await expect(a.globals.get('shared')).rejects.toBeInstanceOf(ClosedError);
  for (const side of ['', '-wal', '-shm', '-journal']) expect(existsSync(join(dir, `a.sqlite3${side}`))).toBe(false);
  // b: closed; deleting twice is fine.
  await deleteStore('b', { path: join(dir, 'b.sqlite3') });
  await deleteStore('b', { path: join(dir, 'b.sqlite3') });
  expect(await listStores({ dir })).toEqual([]);
  const fresh = await openStore({ name: 'a', path: join(dir, 'a.sqlite3') });
  expect(await readEveryModule(fresh, 'a')).toMatchObject({ once: undefined, rows: [] });
  await fresh.close();

  await expect(deleteStore('x', { path: join(dir, 'notes.txt') })).rejects.toMatchObject({ code: 'VALIDATION', path: 'path' });
  expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  await expect(deleteStore('a')).rejects.toBeInstanceOf(ValidationError);
  await expect(listStores()).rejects.toMatchObject({ code: 'VALIDATION', path: 'dir' });
});

it('refuses to delete a file another process holds, and leaves it whole', async () => {
  const path = join(dir, 'held.sqlite3');
  const holder = new Child(runtimes.node, 'hold', path);
  expect(await holder.next((m) => m.ready === true)).toEqual({ ready: true, storage: 'file' });
  const refused = deleteStore('held', { path });
  await expect(refused).rejects.toBeInstanceOf(StorageError);
  await expect(refused).rejects.toMatchObject({ sqliteCode: 5 });
  holder.process.stdin.end();
  await holder.next((m) => m.closed === true);
  await holder.exited;
  const store = await openStore({ name: 'held', path });
  expect(await store.outputs.keys('run')).toEqual(['holder']);
  await store.close();
});

it('fails to open a file whose table dump cannot be read with a StorageError, and lets go of the file: the next open fails the same way', async () => {
  const source = await openStore({ name: 'source', storage: 'memory', worker: false });
  await source.table('notes', { fields: { title: { type: 'string' } } });
  // Written straight into the file: store.import() refuses such an image.
  const image = await editImage(await source.export(), `INSERT INTO tables_dumps (tbl, config) VALUES ('notes', 'not json')`);
  await source.close();
  const path = join(dir, 'bad-dump.sqlite3');
  writeFileSync(path, image);
  const refusal = () =>
    openStore({ name: 'bad-dump', path }).then(
      () => expect.unreachable('opened'),
      (err: unknown) => err,
    );
  const first = await refusal();
  expect(first).toBeInstanceOf(StorageError);
  expect((first as StorageError).message).toMatch(/JSON/);
  // Not "held by another process or store": the failed open closed the file.
  expect(((await refusal()) as StorageError).message).toBe((first as StorageError).message);
  await deleteStore('bad-dump', { path });
  expect(existsSync(path)).toBe(false);
});

it("leaves other programs' SQLite files out of the list, and refuses to delete them, keeping every byte", async () => {
  const data = join(dir, 'mixed');
  mkdirSync(data);
  const kept = await openStore({ name: 'kept', path: join(data, 'kept.sqlite3') });
  await kept.globals.put('k', 1);
  await kept.close();
  const foreign = await foreignDatabases();
  for (const [i, { bytes }] of foreign.entries()) writeFileSync(join(data, `other-${i}.db`), bytes);

  expect(await listStores({ dir: data })).toEqual(['kept.sqlite3']);
  for (const [i, { what, bytes }] of foreign.entries()) {
    const path = join(data, `other-${i}.db`);
    const refused = deleteStore('other', { path });
    await expect(refused, what).rejects.toMatchObject({ code: 'VALIDATION', path: 'path' });
    await expect(refused, what).rejects.toThrow(`${path} is not a flowstore database`);
    expect(new Uint8Array(readFileSync(path)), what).toEqual(bytes);
  }
  // Nothing beside the other programs' files either (flowstore's own WAL file may get its -wal and -shm back).
  expect(
    readdirSync(data)
      .filter((n) => !n.startsWith('kept.sqlite3'))
      .sort(),
  ).toEqual(foreign.map((_, i) => `other-${i}.db`).sort());
});

it('lists a flowstore file damaged past its header, and deletes it when asked', async () => {
  const data = join(dir, 'damaged');
  mkdirSync(data);
  const path = join(data, 'broken.sqlite3');
  const store = await openStore({ name: 'broken', path });
  await store.globals.put('k', 1);
  await store.close();
  // The header (flowstore's schema version) stays; the schema's page after it is gone.
  const bytes = readFileSync(path);
  bytes.fill(0xff, 100, 4096);
  writeFileSync(path, bytes);
  await expect(openStore({ name: 'broken', path })).rejects.toBeInstanceOf(StorageError);
  expect(await listStores({ dir: data })).toEqual(['broken.sqlite3']);
  await deleteStore('broken', { path });
  expect(readdirSync(data)).toEqual([]);
});

it('refuses a path that is a directory or lies under a file, and a dir that is a file, naming it', async () => {
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  const file = join(dir, 'plain.txt');
  writeFileSync(file, 'text');
  const refusals = [
    [() => openStore({ name: 'x', path: folder }), 'path', `${folder} is a directory`],
    [() => openStore({ name: 'x', path: join(file, 'x.sqlite3') }), 'path', `a part of its directory, ${file}, is a file`],
    [() => deleteStore('x', { path: folder }), 'path', `${folder} is a directory`],
    [() => listStores({ dir: file }), 'dir', `${file} is a file, not a directory`],
  ] as const;
  for (const [start, path, message] of refusals) {
    const call = start();
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    await expect(call).rejects.toMatchObject({ path });
    await expect(call).rejects.toThrow(message);
  }
  expect(readdirSync(folder)).toEqual([]);
  expect(readFileSync(file, 'utf8')).toBe('text');
});

it('refuses U+0000 in a path or dir, rather than opening the file named by what comes before it', async () => {
  const nul = join(dir, 'nul');
  mkdirSync(nul);
  const path = join(nul, 'data\0.sqlite3');
  await expect(openStore({ name: 'x', path })).rejects.toMatchObject({ code: 'VALIDATION', path: 'path' });
  await expect(deleteStore('x', { path })).rejects.toMatchObject({ code: 'VALIDATION', path: 'path' });
  await expect(listStores({ dir: `${nul}\0` })).rejects.toMatchObject({ code: 'VALIDATION', path: 'dir' });
  expect(readdirSync(nul)).toEqual([]);
});
