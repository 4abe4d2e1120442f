import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore, StorageError } from '../../src/server.js';

// store.import() on a file store checks the image in a temporary file of its own (see engine/storage/file.ts).
const dir = mkdtempSync(join(tmpdir(), 'flowstore-file-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This process's descriptors open on the temporary copies of imported images. */
function openCopies(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('flowstore-import-'));
}

it.skipIf(!existsSync('/proc/self/fd'))('refuses images SQLite cannot read without leaving their temporary copies open', async () => {
  const store = await openStore({ name: 'fd', path: join(dir, 'fd.sqlite3') });
  // A SQLite header with a page size, then bytes that are no database.
  const bad = new Uint8Array(4096).fill(0xff, 100);
  bad.set(new TextEncoder().encode('SQLite format 3\0'));
  bad[16] = 0x10;
  bad[17] = 0x00;
  for (let i = 0; i < 5; i++) await expect(store.import(bad)).rejects.toMatchObject({ code: 'VALIDATION', path: 'image' });
  expect(openCopies()).toEqual([]);
  await store.close();
});

it('fails an import whose temporary directory cannot be written with StorageError, not as a bad image, keeping the data', async () => {
  const source = await openStore({ name: 'src', path: join(dir, 'src.sqlite3') });
  await source.globals.put('from', 'image');
  const image = await source.export();
  await source.close();
  const store = await openStore({ name: 'dst', path: join(dir, 'dst.sqlite3') });
  await store.globals.put('kept', true);
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = join(dir, 'no-such-dir');
  try {
    const refused = store.import(image);
    await expect(refused).rejects.toBeInstanceOf(StorageError);
    await expect(refused).rejects.toThrow(/TMPDIR/);
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  expect(await store.globals.get('kept')).toBe(true);
  expect(await store.globals.get('from')).toBeUndefined();
  await store.import(image);
  expect(await store.globals.get('from')).toBe('image');
  await store.close();
});
