import type { StoredDump } from '../../shared/table-dump.js';
import type { Row } from '../../shared/table-schema.js';
import type { JsonObject } from '../../shared/types.js';
import type { Db } from '../db.js';
import { rowsTable } from '../table-sql.js';

/** A row whose file is behind: its mark, and the row as committed now (undefined once deleted). */
export type PendingDump = { seq: number; id: string; row: Row | undefined };

/**
 * Records the dump of table `name` and the triggers that mark every row
 * write in the write's own transaction, so no commit can leave a file behind
 * unnoticed. A new or changed dump marks every row: all files are (re)written.
 * Returns whether the dump changed.
 */
export function setDump(db: Db, name: string, dump: StoredDump): boolean {
  const config = JSON.stringify(dump);
  const before = db.get('SELECT config FROM tables_dumps WHERE tbl = ?', [name])?.config;
  if (before === config) return false;
  db.run('INSERT INTO tables_dumps (tbl, config) VALUES (?, ?) ON CONFLICT (tbl) DO UPDATE SET config = excluded.config', [name, config]);
  createDumpTriggers(db, name);
  markAll(db, name);
  return true;
}

/** The triggers that mark every write of table `name`'s rows in the write's own transaction. */
export function createDumpTriggers(db: Db, name: string): void {
  const t = rowsTable(name);
  // `name` is a checked identifier, so it is safe inside a string literal.
  const mark = (row: 'NEW' | 'OLD') =>
    `DELETE FROM tables_dump_pending WHERE tbl = '${name}' AND id = ${row}.id; INSERT INTO tables_dump_pending (tbl, id) VALUES ('${name}', ${row}.id);`;
  db.exec(`
    CREATE TRIGGER IF NOT EXISTS "${t}__0dump_insert" AFTER INSERT ON "${t}" BEGIN ${mark('NEW')} END;
    CREATE TRIGGER IF NOT EXISTS "${t}__0dump_update" AFTER UPDATE ON "${t}" BEGIN ${mark('NEW')} END;
    CREATE TRIGGER IF NOT EXISTS "${t}__0dump_delete" AFTER DELETE ON "${t}" BEGIN ${mark('OLD')} END;
  `);
}

/** The name of one of the triggers {@link createDumpTriggers} makes. */
export const DUMP_TRIGGER = /^table_[a-z0-9_]+__0dump_(insert|update|delete)$/;

/** Marks every row of `name` as behind (a new directory needs every file). */
export function markAll(db: Db, name: string): void {
  db.run(`DELETE FROM tables_dump_pending WHERE tbl = ?`, [name]);
  db.run(`INSERT INTO tables_dump_pending (tbl, id) SELECT ?, id FROM "${rowsTable(name)}" ORDER BY seq`, [name]);
}

/** Every table's dump, by table name. */
export function dumpsOf(db: Db): Map<string, StoredDump> {
  return new Map(
    db.all('SELECT tbl, config FROM tables_dumps').map((r) => [r.tbl as string, JSON.parse(r.config as string) as StoredDump]),
  );
}

/**
 * Marks of table `name` after `afterSeq`, oldest first, with each row as it
 * is now: of the rows `ids` only, or of all (a reconcile, a page at a time).
 */
export function pendingDumps(db: Db, name: string, afterSeq: number, limit: number, ids?: readonly string[]): PendingDump[] {
  const join = `SELECT p.seq, p.id, r.data, r.created_at, r.updated_at FROM tables_dump_pending p
    LEFT JOIN "${rowsTable(name)}" r ON r.id = p.id WHERE p.tbl = ?`;
  const rows =
    ids === undefined
      ? db.all(`${join} AND p.seq > ? ORDER BY p.seq LIMIT ?`, [name, afterSeq, limit])
      : ids.flatMap((id) => db.all(`${join} AND p.id = ?`, [name, id]));
  return rows.map((r) => ({
    seq: Number(r.seq),
    id: r.id as string,
    row:
      r.data === null
        ? undefined
        : {
            id: r.id as string,
            data: JSON.parse(r.data as string) as JsonObject,
            createdAt: Number(r.created_at),
            updatedAt: Number(r.updated_at),
          },
  }));
}

/** Removes marks whose files now hold their writes; a mark taken again since has a new seq and stays. */
export function clearMarks(db: Db, seqs: readonly number[]): void {
  for (const seq of seqs) db.run('DELETE FROM tables_dump_pending WHERE seq = ?', [seq]);
}
