import { afterEach, describe, expect, it } from 'vitest';
import { ClosedError, openStore, ValidationError } from '../../src/in-process.js';
import { backends, Stores, uniqueName } from '../support/backends.js';

describe.each(backends)('store lifecycle ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  it('says which storage it uses', async () => {
    const store = await stores.open();
    expect(store.storage).toBe(backend.storage);
  });

  it('rejects every call after close() with ClosedError', async () => {
    const store = await stores.open();
    await store.outputs.put('r', 'n', 1);
    await store.close();
    await expect(store.outputs.get('r', 'n')).rejects.toBeInstanceOf(ClosedError);
    await expect(store.globals.put('k', 1)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(store.records.latest('p')).rejects.toBeInstanceOf(ClosedError);
    await expect(store.export()).rejects.toBeInstanceOf(ClosedError);
    await store.close(); // a second close is harmless
  });

  it('lets calls made before close() finish', async () => {
    const store = await stores.open();
    const puts = Array.from({ length: 50 }, (_, i) => store.outputs.put('r', `n${i}`, i));
    const closing = store.close();
    await expect(Promise.all(puts)).resolves.toHaveLength(50);
    await closing;
  });

  it('exports a valid SQLite image holding the schema, even before any write (a Durable Object refuses, saying why)', async () => {
    const store = await stores.open();
    if (backend.noExport) {
      await expect(store.export()).rejects.toMatchObject({ code: 'STORAGE', message: expect.stringMatching(/Durable Object/) });
    } else {
      const image = await store.export();
      expect(new TextDecoder().decode(image.subarray(0, 15))).toBe('SQLite format 3');
    }
    const tables = await store.inspect(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['globals', 'outputs', 'records']));
  });

  it('reports integrity ok and a schema version', async () => {
    const store = await stores.open();
    await store.outputs.put('r', 'n', { a: 1 });
    expect(await store.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    const [row] = await store.inspect('PRAGMA user_version');
    expect(Number(row!.user_version)).toBeGreaterThanOrEqual(1);
  });

  it('inspect() refuses anything but a single read statement', async () => {
    const store = await stores.open();
    await expect(store.inspect('DELETE FROM outputs')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.inspect('SELECT 1; DROP TABLE outputs')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.inspect('PRAGMA synchronous = OFF')).rejects.toMatchObject({ code: 'VALIDATION', path: 'sql' });
    await expect(store.inspect('PRAGMA user_version(0)')).rejects.toMatchObject({ code: 'VALIDATION', path: 'sql' });
    await expect(store.inspect('PRAGMA writable_schema')).rejects.toBeInstanceOf(ValidationError);
    expect(await store.inspect('PRAGMA table_info(outputs)')).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'run_id' })]),
    );
    const [version] = await store.inspect('PRAGMA user_version');
    expect(Number(version!.user_version)).toBeGreaterThan(0);
  });

  it('refuses bad options with ValidationError', async () => {
    await expect(openStore({ name: '' })).rejects.toMatchObject({ code: 'VALIDATION', path: 'name' });
    await expect(openStore({ name: uniqueName('x'), storage: 'disk' as never })).rejects.toMatchObject({
      code: 'VALIDATION',
      path: 'storage',
    });
  });
});
