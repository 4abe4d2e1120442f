import { describe, expect, it } from 'vitest';
import { loadSqlite } from '../../src/engine/storage/load-sqlite.js';
import { CHUNK, PageFile, type FileChanges } from '../../src/engine/storage/page-file.js';
import { PAGE_VFS, pageVfs } from '../../src/engine/storage/page-vfs.js';

const sqlite3 = await loadSqlite();
const files = pageVfs(sqlite3);
let opened = 0;

/** A database on the page VFS over `file`, with the pragmas the IndexedDB fallback uses. */
function openOn(file: PageFile) {
  const path = `/test-${++opened}`;
  files.provide(path, file);
  const db = new sqlite3.oo1.DB({ filename: path, flags: 'c', vfs: PAGE_VFS });
  db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
  return {
    db,
    close: () => {
      db.close();
      files.remove(path);
    },
  };
}

/** A saved copy kept as the IndexedDB fallback keeps it: chunks by index, cut to the saved size. */
class Saved {
  chunks: Uint8Array[] = [];
  size = 0;
  apply({ size, chunks }: FileChanges): void {
    this.chunks.length = Math.ceil(size / CHUNK);
    for (const [i, bytes] of chunks) this.chunks[i] = bytes;
    this.size = size;
  }
  reopen() {
    return openOn(PageFile.from(this.size, this.chunks.slice()));
  }
}

const scalar = (db: { selectValue(sql: string): unknown }, sql: string) => db.selectValue(sql);

describe('SQLite on the page VFS', () => {
  it('keeps a database whose saved changes, reopened, hold every committed row and pass integrity_check', () => {
    const file = new PageFile();
    const saved = new Saved();
    const { db, close } = openOn(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX t_body ON t(body)');
    db.exec('BEGIN');
    for (let i = 0; i < 3000; i++) db.exec({ sql: 'INSERT INTO t (body) VALUES (?)', bind: [`row ${i} `.repeat(40)] });
    db.exec('COMMIT');
    saved.apply(file.takeChanges());
    db.exec("UPDATE t SET body = 'changed' WHERE id = 1500");
    saved.apply(file.takeChanges());
    // A rolled-back transaction leaves the file as it was (its journal is in memory).
    db.exec('BEGIN');
    db.exec('DELETE FROM t');
    db.exec('ROLLBACK');
    saved.apply(file.takeChanges());
    close();

    const again = saved.reopen();
    expect(scalar(again.db, 'SELECT count(*) FROM t')).toBe(3000);
    expect(scalar(again.db, 'SELECT body FROM t WHERE id = 1500')).toBe('changed');
    expect(scalar(again.db, 'PRAGMA integrity_check')).toBe('ok');
    again.close();
  });

  it('saves a one-row change of a large database as a few chunks, not the file', () => {
    const file = new PageFile();
    const { db, close } = openOn(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    db.exec('BEGIN');
    for (let i = 0; i < 5000; i++) db.exec({ sql: 'INSERT INTO t (body) VALUES (?)', bind: ['x'.repeat(1000)] });
    db.exec('COMMIT');
    file.takeChanges();
    expect(file.size).toBeGreaterThan(5_000_000);
    db.exec({ sql: 'INSERT INTO t (body) VALUES (?)', bind: ['one more'] });
    const { chunks } = file.takeChanges();
    expect(chunks.size).toBeGreaterThan(0);
    expect(chunks.size).toBeLessThanOrEqual(3);
    close();
  });

  it('saves a file that shrank (VACUUM) so that it reopens as it was left', () => {
    const file = new PageFile();
    const saved = new Saved();
    const { db, close } = openOn(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    db.exec('BEGIN');
    for (let i = 0; i < 2000; i++) db.exec({ sql: 'INSERT INTO t (body) VALUES (?)', bind: ['y'.repeat(500)] });
    db.exec('COMMIT');
    saved.apply(file.takeChanges());
    const big = file.size;
    db.exec('DELETE FROM t WHERE id > 10; VACUUM');
    expect(file.size).toBeLessThan(big / 10);
    saved.apply(file.takeChanges());
    close();
    const again = saved.reopen();
    expect(scalar(again.db, 'SELECT count(*) FROM t')).toBe(10);
    expect(scalar(again.db, 'PRAGMA integrity_check')).toBe('ok');
    again.close();
  });

  it('refuses to open a main database nobody provided, instead of making an empty one', () => {
    expect(() => new sqlite3.oo1.DB({ filename: '/nobody-made-this', flags: 'c', vfs: PAGE_VFS })).toThrow(/unable to open/i);
  });
});
