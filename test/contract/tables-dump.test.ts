import { afterEach, describe, expect, it, vi } from 'vitest';
import { DumpError, type DumpOptions, type Store, type TableSchema } from '../../src/index.js';
import { backends, Stores, uniqueName } from '../support/backends.js';
import { dumpFiles, hasDumpFiles, type DumpFiles } from '../support/dump-files.js';
import { editImage } from '../support/images.js';
import { freshName, sharedStore } from '../support/shared-store.js';

type Note = { title: string; body?: string; tags?: string[]; done?: boolean };

const fields = {
  title: { type: 'string', required: true },
  body: { type: 'string' },
  tags: { type: 'array' },
  done: { type: 'boolean' },
} satisfies TableSchema['fields'];

function notes(store: Store, files: DumpFiles, name = 'notes') {
  return store.table<Note>(name, { fields, dump: { dir: files.dir } });
}

// WebKitGTK gives pages no OPFS: what a dump does there is in test/browser/table-dump.test.ts.
const withFiles = hasDumpFiles ? it : ((() => {}) as unknown as typeof it);

/** The DumpErrors a store reports, as they arrive. */
function dumpErrors(store: Store): DumpError[] {
  const seen: DumpError[] = [];
  store.onDumpError((err) => seen.push(err));
  return seen;
}

describe.each(backends)('tables: Markdown dump ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());
  // One store for the cases that need no reopen: each uses its own table and directory.
  const shared = sharedStore(backend);

  withFiles(
    'mirrors each row into <id>.md: written on create, rewritten on replace and merge, kept on delete; four concurrent creates give four files',
    async () => {
      const files = await dumpFiles();
      const t = await notes(await shared(), files, freshName());
      const row = await t.create({ title: 'My Issue', body: 'Details', tags: ['b', 'a'], done: false });
      const file = `${row.id}.md`;
      expect(await files.read(file)).toBe(
        [
          '# My Issue',
          '',
          'Details',
          '',
          '---',
          '',
          '- done: false',
          '- tags: ["b","a"]',
          `- id: ${row.id}`,
          `- createdAt: ${new Date(row.createdAt).toISOString()}`,
          `- updatedAt: ${new Date(row.updatedAt).toISOString()}`,
          '',
        ].join('\n'),
      );

      await t.update(row.id, { title: 'Updated', body: 'v2' }, { mode: 'replace' });
      let text = await files.read(file);
      expect(text).toMatch(/^# Updated\n/);
      expect(text).toContain('\nv2\n');
      expect(text).not.toContain('tags');
      await t.update(row.id.slice(0, 8), { body: 'v3', done: true });
      text = await files.read(file);
      expect(text).toMatch(/^# Updated\n\nv3\n/);
      expect(text).toContain('- done: true');

      await t.delete(row.id);
      expect(await files.read(file)).toMatch(/^# Updated\n\nv3\n/);

      const made = await Promise.all([0, 1, 2, 3].map((i) => t.create({ title: `concurrent-${i}`, body: `body-${i}` })));
      expect(await files.list()).toEqual([row, ...made].map((r) => `${r.id}.md`).sort());
      for (const [i, r] of made.entries()) expect(await files.read(`${r.id}.md`)).toMatch(new RegExp(`^# concurrent-${i}\n\nbody-${i}\n`));
    },
  );

  withFiles(
    "removes a deleted row's file with onDelete 'remove'; takes other title and body fields, or none; accepts 'bidirectional' with a warning, writing files",
    async () => {
      const files = await dumpFiles();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const t = await (
        await shared()
      ).table<Note>(freshName(), {
        fields,
        dump: { dir: files.dir, titleField: 'body', bodyField: 'title', onDelete: 'remove', sync: 'bidirectional' },
      });
      expect(warn.mock.calls.flat().join(' ')).toContain("'bidirectional'");
      warn.mockRestore();
      const row = await t.create({ title: 'the text', body: 'The Heading' });
      expect(await files.read(`${row.id}.md`)).toMatch(/^# The Heading\n\nthe text\n/);
      await t.delete(row.id);
      expect(await files.list()).toEqual([]);

      // The defaults need not name fields: a row without a title is named by its id.
      const bare = await (
        await shared()
      ).table<{ name: string }>(freshName(), { fields: { name: { type: 'string' } }, dump: { dir: files.dir } });
      const b = await bare.create({ name: 'x' });
      expect(await files.read(`${b.id}.md`)).toMatch(new RegExp(`^# ${b.id}\n\n---\n\n- name: "x"\n- id: `));
    },
  );

  withFiles('leaves each file with the last committed version of its row under concurrent updates', async () => {
    const files = await dumpFiles();
    const t = await notes(await shared(), files, freshName());
    const rows = await Promise.all([0, 1, 2].map((i) => t.create({ title: `r${i}` })));
    // Many updates of the same rows in flight at once, merges and replaces mixed, committed in one or more batches.
    const updates = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? t.update(rows[i % 3]!.id, { title: `r0 v${i}`, body: `b${i}` }, { mode: 'replace' })
          : t.update(rows[i % 3]!.id, { title: `r${i % 3} v${i}`, body: `b${i}` }),
      ),
    );
    for (const row of rows) {
      const last = await t.get(row.id);
      expect(last.updatedAt).toBe(Math.max(...updates.filter((u) => u.id === row.id).map((u) => u.updatedAt)));
      const text = await files.read(`${row.id}.md`);
      expect(text).toMatch(new RegExp(`^# ${last.data.title}\n\n${last.data.body}\n`));
      expect(text).toContain(`- updatedAt: ${new Date(last.updatedAt).toISOString()}`);
    }
  });

  withFiles(
    'reports a file it could not write as a DumpError without failing the committed write, and brings the file up to date at the next open',
    async () => {
      const files = await dumpFiles();
      const name = uniqueName('dump');
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let store = await stores.open(name);
      const errors = dumpErrors(store);
      const t = await notes(store, files);
      const row = await t.create({ title: 'before', body: 'v1' });
      const other = await t.create({ title: 'other' });
      await files.block(`${row.id}.md`);
      // The write resolves: the row is committed whatever happens to its file.
      const updated = await t.update(row.id, { title: 'after', body: 'v2' });
      await t.update(other.id, { body: 'fine' });
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      expect(errors[0]).toBeInstanceOf(DumpError);
      expect(errors[0]).toMatchObject({ code: 'DUMP', table: 'notes', rowIds: [row.id] });
      expect(errors[0]!.message).toContain('committed');
      warn.mockRestore();
      expect((await t.get(row.id)).data).toEqual({ title: 'after', body: 'v2' });
      expect(await files.read(`${other.id}.md`)).toMatch(/^# other\n\nfine\n/);

      await files.heal(`${row.id}.md`);
      expect(await files.read(`${row.id}.md`)).toBeUndefined();
      if (backend.durable) {
        // Closed and opened again, as after a crash between commit and file write; the table is not even reopened with its dump.
        await store.close();
        store = await stores.open(name);
        await store.table<Note>('notes', { fields }).then((again) => again.count());
      } else {
        // A store that cannot be reopened: asked to, the table writes what is behind.
        expect(await t.reconcileDump()).toBe(true);
      }
      expect(await files.read(`${row.id}.md`)).toMatch(
        new RegExp(`^# after\n\nv2\n[^]*updatedAt: ${new Date(updated.updatedAt).toISOString()}`),
      );
    },
  );

  (backend.noExport ? () => {} : withFiles)(
    "keeps a table's dump through export and import: the imported rows' files are written, and later writes are mirrored",
    async () => {
      const files = await dumpFiles();
      const source = await stores.open();
      const kept = await (await notes(source, files)).create({ title: 'from the image', body: 'exported' });
      const image = await source.export();
      await source.close();
      await files.heal(`${kept.id}.md`);
      expect(await files.list()).toEqual([]);

      const target = await stores.open();
      await target.import(image);
      // The image's dump is the table's again: its files are written from the imported rows, in the same directory.
      expect(await files.read(`${kept.id}.md`)).toMatch(/^# from the image\n\nexported\n/);
      const t = await target.table<Note>('notes', { fields });
      await t.update(kept.id, { body: 'edited after import' });
      expect(await files.read(`${kept.id}.md`)).toMatch(/^# from the image\n\nedited after import\n/);
      const made = await t.create({ title: 'new after import' });
      expect(await files.read(`${made.id}.md`)).toMatch(/^# new after import\n/);
    },
  );

  (backend.noExport ? () => {} : withFiles)(
    "takes an image's dump stored without its defaults, and keeps it with them filled in",
    async () => {
      const files = await dumpFiles();
      const source = await stores.open();
      const row = await (await notes(source, files)).create({ title: 'from the image' });
      const image = await editImage(
        await source.export(),
        `UPDATE tables_dumps SET config = json_remove(config, '$.titleField', '$.onDelete')`,
      );
      await source.close();
      await files.heal(`${row.id}.md`);

      const target = await stores.open();
      await target.import(image);
      const [stored] = await target.inspect(`SELECT config FROM tables_dumps WHERE tbl = 'notes'`);
      expect(JSON.parse(stored!.config as string)).toEqual({
        dir: files.dir,
        titleField: 'title',
        bodyField: 'body',
        sync: 'write-only',
        onDelete: 'keep',
      });
      expect(await files.read(`${row.id}.md`)).toMatch(/^# from the image\n/);
    },
  );

  (backend.noExport ? () => {} : withFiles)(
    "writes every imported row's file when the store had just written files of its own (whose marks the import replaced)",
    async () => {
      const imageFiles = await dumpFiles();
      const source = await stores.open();
      const t = await notes(source, imageFiles);
      const rows = await Promise.all([0, 1, 2].map((i) => t.create({ title: `image ${i}` })));
      await source.globals.put('a commit after the files', 1);
      const image = await source.export();
      await source.close();
      for (const row of rows) await imageFiles.heal(`${row.id}.md`);

      // The target's own files are written just before the import, so their marks are still to be cleared by the next commit.
      const target = await stores.open();
      const own = await notes(target, await dumpFiles(), 'other');
      for (const i of [0, 1, 2]) await own.create({ title: `own ${i}` });
      await target.import(image);
      expect(await imageFiles.list()).toEqual(rows.map((r) => `${r.id}.md`).sort());
    },
  );

  it('refuses a malformed dump with a ValidationError naming the part, opening nothing; a table without a dump has nothing to reconcile', async () => {
    const store = await shared();
    const open = (dump: unknown) => store.table('bad', { fields, dump: dump as DumpOptions });
    await expect(open({ dir: '' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.dir' });
    await expect(open({ dir: 42 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.dir' });
    await expect(open({ dir: 'd', titleField: 'nope' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.titleField' });
    await expect(open({ dir: 'd', sync: 'both' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.sync' });
    await expect(open({ dir: 'd', onDelete: 'trash' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.onDelete' });
    await expect(open({ dir: 'd', extra: 1 })).rejects.toMatchObject({ code: 'VALIDATION', path: 'schema.dump.extra' });
    expect(await store.inspect(`SELECT count(*) AS n FROM tables_catalog WHERE name = 'bad'`)).toEqual([{ n: 0 }]);
    expect(await (await store.table('plain', { fields })).reconcileDump()).toBe(false);
  });
});
