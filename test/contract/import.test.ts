import { afterEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, ValidationError, type Change, type Store } from '../../src/index.js';
import { backends, nextChange, Stores, uniqueName } from '../support/backends.js';
import { fillEveryModule, NOTES, readEveryModule } from '../support/every-module.js';
import { editImage, oldFlowstoreImage } from '../support/images.js';
import { collect } from '../support/live.js';
import { SCHEMA_VERSION } from '../../src/engine/migrations.js';

/** A dump as flowstore stores it, every default filled in. */
const DUMP = { dir: 'notes-files', titleField: 'title', bodyField: 'body', sync: 'write-only', onDelete: 'keep' };
const dumpOf = (table: string, config: string) => `INSERT INTO tables_dumps (tbl, config) VALUES ('${table}', '${config}')`;

// Where dump paths are under the OPFS root, which flowstore's own folder is in.
const inBrowser = typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';

const imported = (store: Store) => nextChange(store, (c: Change) => c.module === 'database');

describe.each(backends.filter((b) => b.noExport))('store.import ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('is refused with a StorageError that says why, and the data stays', async () => {
    const store = await stores.open();
    await store.globals.put('kept', 1);
    // A header that passes the page's cheap checks (magic, page size, whole pages), so the refusal is the object's.
    const image = new Uint8Array(4096);
    image.set(new TextEncoder().encode('SQLite format 3\0'));
    image[16] = 0x10;
    await expect(store.import(image)).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/Durable Object/) });
    expect(await store.globals.get('kept')).toBe(1);
  });
});

describe.each(backends.filter((b) => !b.noExport))('store.import ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('replaces a database by another one’s export: every module equal, live queries and tails re-read, writes go on', async () => {
    const source = await stores.open();
    await fillEveryModule(source, 'src');
    const expected = await readEveryModule(source, 'src');
    const image = await source.export();

    const name = uniqueName('import-into');
    const target = await stores.open(name);
    await fillEveryModule(target, 'old');
    const lonely = await target.table('lonely_Table', NOTES);
    const live = collect(target.globals.live('shared'));
    await live.until((v) => JSON.stringify(v) === '{"tag":"old"}');
    const tail = target.streams.tail('chat-src', { after: 0, blockMs: 20_000 });
    const heard = imported(target);

    await target.import(image);
    expect(await heard).toMatchObject({ module: 'database', key: 'import' });
    expect((await tail).frames.map((f) => f.data)).toEqual(['Hel', { tokens: 3 }]);
    await live.until((v) => JSON.stringify(v) === '{"tag":"src"}');
    await live.stop();
    expect(await readEveryModule(target, 'src')).toStrictEqual(expected);
    // What the target held before is gone, not merged.
    expect(await target.globals.get('once-old')).toBeUndefined();
    expect(await target.outputs.keys('run-old')).toEqual([]);
    expect(await target.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    // A table the image lacks: its handle says so, and opening it again makes it anew.
    await expect(lonely.count()).rejects.toBeInstanceOf(NotFoundError);
    await expect(lonely.create({ title: 'x' })).rejects.toThrow(/Table lonely_Table is not in this database/);
    expect(await (await target.table('lonely_Table', NOTES)).count()).toBe(0);

    // Writes continue on the imported data: write-once holds, seqs and rows follow on.
    await expect(target.globals.put('once-src', 'again')).rejects.toBeInstanceOf(AlreadyExistsError);
    const notes = await target.table('notes', NOTES);
    await notes.create({ title: 'after-src', n: 3 });
    expect(await notes.count()).toBe(3);
    await expect(target.streams.append('chat-src', { data: 'late' })).rejects.toBeInstanceOf(ValidationError); // it was closed
    expect((await target.streams.append('bytes-src', { data: 'next' }, { attempt: 2 })).seq).toBe(2);

    // A Blob and a ReadableStream of the same image import the same data.
    await target.import(new Blob([image.slice().buffer]));
    expect(await notes.count()).toBe(2);
    const chunks = [image.subarray(0, 1000), image.subarray(1000)];
    await target.import(new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) }));
    expect(await readEveryModule(target, 'src')).toStrictEqual(expected);

    if (backend.durable) {
      await target.close();
      const again = await stores.open(name);
      expect(await readEveryModule(again, 'src')).toStrictEqual(expected);
    }
  });

  it('refuses bad images with a ValidationError saying why, leaving the database exactly as it was', async () => {
    const source = await stores.open();
    await fillEveryModule(source, 'src');
    const good = await source.export();
    const target = await stores.open();
    await fillEveryModule(target, 'mine');
    const before = await readEveryModule(target, 'mine');
    const bytes = await target.export();

    const pageSize = (good[16]! << 8) | good[17]!;
    const refusals: [Uint8Array | unknown, RegExp][] = [
      ['not bytes', /takes the bytes of a SQLite database/],
      [new TextEncoder().encode('x'.repeat(4096)), /does not start with "SQLite format 3"/],
      [good.subarray(0, good.length - 100), /not a whole number of/],
      [
        await editImage(undefined, 'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO users VALUES (1, NULL)'),
        /not a flowstore database.*users/,
      ],
      [await editImage(good, 'CREATE TABLE extra (x)'), /tables flowstore never makes \(extra\)/],
      [await editImage(good, 'CREATE TRIGGER t AFTER INSERT ON globals BEGIN SELECT 1; END'), /a trigger "t"/],
      [await editImage(good, 'PRAGMA user_version = 99'), /schema version 99, newer than this flowstore/],
      [
        await editImage(
          good,
          `PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'value TEXT NOT NULL', 'value TEXT NOT NULL CHECK (length(value) < 0)') WHERE name = 'globals'`,
        ),
        /damaged; SQLite's integrity_check says: CHECK constraint failed in globals/,
      ],
      [good.slice(0, good.length - pageSize), /not a readable SQLite database|damaged/],
      // Row ids name the files of a dumped table: only the UUIDs flowstore makes are safe as file names.
      [
        await editImage(good, `UPDATE table_notes SET id = '../../escaped' WHERE seq = (SELECT min(seq) FROM table_notes)`),
        /table notes holds 1 row whose id is not a UUID \("\.\.\/\.\.\/escaped"\)/,
      ],
      [await editImage(good, dumpOf('notes', 'not json')), /the dump of table notes in the image is not JSON/],
      [
        await editImage(good, dumpOf('notes', JSON.stringify({ ...DUMP, onDelete: 'trash' }))),
        /the dump of table notes in the image is not one flowstore makes: onDelete must be 'keep' or 'remove'/,
      ],
      [
        await editImage(good, dumpOf('notes', JSON.stringify({ ...DUMP, dir: 7 }))),
        /the dump of table notes in the image is not one flowstore makes: dir must be a directory path or null/,
      ],
      [await editImage(good, dumpOf('ghost', JSON.stringify(DUMP))), /has a dump of table ghost, which it does not hold/],
      // Stored values are read back with JSON.parse, and a row's data as an object.
      [await editImage(good, `UPDATE globals SET value = '{oops'`), /globals holds 2 values of column value that are not JSON/],
      [await editImage(good, `UPDATE table_notes SET data = '[1]'`), /table notes holds 2 rows whose data is not a JSON object/],
      [
        await editImage(good, `UPDATE records SET parents = 'x' WHERE parents != '[]'`),
        /records holds 1 value of column parents that is not JSON/,
      ],
      // Found only after every table was copied in: the whole import is rolled back.
      [
        await editImage(good, `INSERT INTO stream_frames (attempt_id, seq, kind, data, mode, at) VALUES (9999, 1, 'e', '1', 'durable', 0)`),
        /rows break its own references.*stream_frames/,
      ],
    ];
    if (inBrowser) {
      // A browser's dump paths stay out of flowstore's own OPFS folder, an image's as well as the API's.
      refusals.push([
        await editImage(good, dumpOf('notes', JSON.stringify({ ...DUMP, dir: '.flowstore/x' }))),
        /the dump of table notes in the image is not one flowstore makes: dir may not be inside \.flowstore/,
      ]);
    }
    for (const [image, why] of refusals) {
      const refused = target.import(image as Uint8Array);
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({ path: 'image', message: expect.stringMatching(why) });
    }
    expect(await target.export()).toEqual(bytes);
    expect(await readEveryModule(target, 'mine')).toStrictEqual(before);
    expect(await target.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('migrates an image of an older flowstore schema', async () => {
    const image = await oldFlowstoreImage(
      1,
      `INSERT INTO globals (key, value, updated_at) VALUES ('kept', '{"v":1}', 0);
      INSERT INTO outputs (run_id, node_id, value, created_at) VALUES ('r', 'n', '"out"', 0)`,
    );
    const store = await stores.open();
    await store.import(image);
    expect(await store.globals.get('kept')).toEqual({ v: 1 });
    expect(await store.outputs.get('r', 'n')).toBe('out');
    // Streams and tables came with later schema versions: they work on the imported database.
    expect((await store.streams.append('s', { data: 1 })).seq).toBe(1);
    expect((await (await store.table('notes', NOTES)).create({ title: 'x' })).data).toEqual({ title: 'x' });
    const [row] = await store.inspect('PRAGMA user_version');
    expect(Number(row!.user_version)).toBe(SCHEMA_VERSION);
  });
});
