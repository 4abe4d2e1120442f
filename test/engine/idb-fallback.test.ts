import { beforeEach, describe, expect, it, vi } from 'vitest';
import { idb, refuseAll } from '../support/idb-saves-fake.js';

// The IndexedDB fallback's own logic (what it saves after a commit, what it does when a save
// fails, how it takes over an earlier flowstore's whole image) on real SQLite, with
// IndexedDB replaced by maps that follow its rules (idb-saves-fake.ts).
vi.mock('../../src/engine/storage/idb-saves.js', async () => (await import('../support/idb-saves-fake.js')).fakeSaves);

const { openIdb } = await import('../../src/engine/storage/idb.js');
const { loadSqlite } = await import('../../src/engine/storage/load-sqlite.js');
type Opened = Awaited<ReturnType<typeof openIdb>>;

const close = (db: Opened) => {
  db.driver.close();
  db.release();
};
const count = (db: Opened) => Number(db.driver.get('SELECT count(*) AS n FROM t')?.n);
const integrity = (db: Opened) => db.driver.get('PRAGMA integrity_check')?.integrity_check;

async function write(db: Opened, sql: string, params: unknown[] = []): Promise<void> {
  db.driver.run(sql, params as never);
  await db.persist!();
}

/** A database with `rows` rows of about 1 KB: some hundreds of KB, several chunks. */
async function filled(name: string, rows: number): Promise<Opened> {
  const db = await openIdb(name);
  db.driver.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  db.driver.transaction(() => {
    for (let i = 0; i < rows; i++) db.driver.run('INSERT INTO t (body) VALUES (?)', [`${i}`.padEnd(1000, '.')]);
  });
  await db.persist!();
  return db;
}

let n = 0;
const uniqueName = () => `fallback-${++n}`;

beforeEach(() => {
  idb.failSave = undefined;
  idb.failDelete = false;
});

describe('the IndexedDB fallback when a save fails', () => {
  it('saves the refused changes with the next save, so a later resolved write and all before it survive', async () => {
    const name = uniqueName();
    const db = await filled(name, 100);
    idb.failSave = refuseAll;
    // Grows the file: the refused save held new chunks and a larger size.
    await expect(write(db, 'INSERT INTO t (body) VALUES (?)', ['x'.repeat(200_000)])).rejects.toThrow(/quota/);
    idb.failSave = undefined;
    await write(db, "INSERT INTO t (body) VALUES ('one more')");
    close(db);

    const again = await openIdb(name);
    expect(count(again)).toBe(102);
    expect(again.driver.get("SELECT count(*) AS n FROM t WHERE body = 'one more'")?.n).toBe(1);
    expect(integrity(again)).toBe('ok');
    close(again);
  });

  it('drops the chunks past the end of a file that shrank in a refused save, once a save succeeds', async () => {
    const name = uniqueName();
    const db = await filled(name, 600);
    idb.failSave = refuseAll;
    db.driver.run('DELETE FROM t WHERE id > 5');
    db.driver.exec('VACUUM');
    await expect(db.persist!()).rejects.toThrow(/quota/);
    idb.failSave = undefined;
    await write(db, "INSERT INTO t (body) VALUES ('after')");
    close(db);

    const again = await openIdb(name);
    expect(count(again)).toBe(6);
    expect(integrity(again)).toBe('ok');
    close(again);
  });
});

describe('the IndexedDB fallback and what it saves', () => {
  it('saves a few chunks for a one-row write to a large database', async () => {
    const db = await filled(uniqueName(), 3000);
    idb.saved.length = 0;
    await write(db, "INSERT INTO t (body) VALUES ('small')");
    expect(idb.saved).toHaveLength(1);
    expect(idb.saved[0]).toBeLessThanOrEqual(4 * 32 * 1024);
    close(db);
  });

  it('opens a store whose name is 128 characters that a URL would escape', async () => {
    const name = '日'.repeat(128);
    const db = await filled(name, 3);
    close(db);
    const again = await openIdb(name);
    expect(count(again)).toBe(3);
    close(again);
  });
});

describe('a whole image saved by an earlier flowstore', () => {
  async function wholeImage(rows: number): Promise<Uint8Array> {
    const sqlite3 = await loadSqlite();
    const db = new sqlite3.oo1.DB(':memory:', 'c');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    for (let i = 0; i < rows; i++) db.exec({ sql: 'INSERT INTO t (body) VALUES (?)', bind: [`old ${i}`] });
    const image = sqlite3.capi.sqlite3_js_db_export(db);
    db.close();
    return image;
  }

  it('is saved as chunks at open and then removed', async () => {
    const name = uniqueName();
    idb.images.set(`db:${name}`, await wholeImage(50));
    const db = await openIdb(name);
    expect(count(db)).toBe(50);
    expect(idb.images.has(`db:${name}`)).toBe(false);
    expect(idb.pages.get(name)?.size).toBeGreaterThan(0);
    close(db);
    const again = await openIdb(name);
    expect(count(again)).toBe(50);
    close(again);
  });

  it('stays, and the open fails, when its chunks cannot be saved; a later open takes it over', async () => {
    const name = uniqueName();
    idb.images.set(`db:${name}`, await wholeImage(20));
    idb.failSave = refuseAll;
    await expect(openIdb(name)).rejects.toThrow(/quota/);
    expect(idb.images.has(`db:${name}`)).toBe(true);
    expect(idb.pages.has(name)).toBe(false);
    idb.failSave = undefined;
    const db = await openIdb(name);
    expect(count(db)).toBe(20);
    close(db);
  });

  it('left beside saved chunks (its removal failed) gives way to them, and is removed at the next open', async () => {
    const name = uniqueName();
    idb.images.set(`db:${name}`, await wholeImage(20));
    idb.failDelete = true;
    const db = await openIdb(name);
    await write(db, "INSERT INTO t (body) VALUES ('new')");
    close(db);
    expect(idb.images.has(`db:${name}`)).toBe(true);
    idb.failDelete = false;
    const again = await openIdb(name);
    expect(count(again)).toBe(21);
    expect(idb.images.has(`db:${name}`)).toBe(false);
    close(again);
  });
});
