import { StoreError, ValidationError } from '../shared/errors.js';
import { assertSqliteImage } from '../shared/image-header.js';
import type { Db } from './db.js';
import { foreignSchema, listed as list, migrate, SCHEMA_VERSION, schemaTables } from './migrations.js';
import type { Driver, SqlRow } from './storage/driver.js';
import { createDumpTriggers, DUMP_TRIGGER, markAll } from './dump/dump-sql.js';
import { checkStoredDump, type StoredDump } from '../shared/table-dump.js';
import { IDENTIFIER } from '../shared/table-schema.js';
import { describe } from '../shared/validate.js';
import { UUID_GLOB } from './random-id.js';
import { rowsTable, tableOfRows } from './table-sql.js';

/** The SQLite tables that hold a flowstore table's rows (see table-sql.ts: names are encoded into [a-z0-9_]). */
const ROWS_TABLE = /^table_[a-z0-9_]+$/;

/** The columns that flowstore reads back with JSON.parse (NULL where a column may be empty, a BLOB for a frame's bytes). */
const JSON_COLUMNS: [table: string, column: string][] = [
  ['globals', 'value'],
  ['outputs', 'value'],
  ['records', 'event'],
  ['records', 'parents'],
  ['stream_attempts', 'summary'],
  ['stream_frames', 'data'],
  ['tables_aliases', 'where_json'],
  ['tables_aliases', 'params'],
];

/** Rows copied per statement: bounds the memory a large table takes while it is copied. */
const PAGE = 1000;

/**
 * Replaces the whole database by the image: checked first on a private copy
 * (SQLite header, integrity_check, a flowstore schema no newer than this
 * code's, migrated there if older), then copied in table by table inside the
 * caller's transaction, so a failure at any point (a broken reference found
 * at the end, a full disk) rolls everything back. The commit counter and the
 * replies kept for retried calls stay this database's own.
 * @throws ValidationError saying what is wrong with the image.
 */
export function importImage(db: Db, image: Uint8Array): void {
  assertSqliteImage(image);
  // Bytes 18-19 say WAL (2) in a WAL database's image; the copy is a plain file or an in-memory database, which cannot be WAL.
  image[18] = image[19] = 1;
  const copy = checked(() => db.openCopy(image));
  try {
    const tables = checked(() => checkImage(copy));
    migrate(copy);
    checked(() =>
      checkContents(
        copy,
        tables.filter((t) => ROWS_TABLE.test(t)),
      ),
    );
    replaceWith(db, copy);
  } finally {
    copy.close();
  }
  db.changed('database', 'import');
}

/** Runs the checks; SQLite's own complaints about the bytes become a ValidationError. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw new ValidationError(`the image is not a readable SQLite database (${(err as Error)?.message ?? String(err)})`, 'image');
  }
}

/** Checks the image's schema; returns its tables. */
function checkImage(copy: Driver): string[] {
  const problems = copy.query('PRAGMA integrity_check(10)').map((r) => String(r.integrity_check));
  if (problems.length !== 1 || problems[0] !== 'ok') {
    throw new ValidationError(`the image is damaged; SQLite's integrity_check says: ${problems.join('; ')}`, 'image');
  }
  const version = copy.schemaVersion();
  const objects = copy.query(`SELECT type, name, tbl_name FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`);
  const tables = objects.filter((o) => o.type === 'table').map((o) => String(o.name));
  if (version > SCHEMA_VERSION) {
    throw new ValidationError(
      `the image has flowstore schema version ${version}, newer than this flowstore's (${SCHEMA_VERSION}); import it with a newer flowstore`,
      'image',
    );
  }
  // An empty database at version 0 is a new flowstore file to open, but no image of one.
  const why = foreignSchema(version, tables) ?? (version < 1 ? 'it has no tables and schema version 0' : undefined);
  if (why !== undefined) {
    throw new ValidationError(`this is not a flowstore database (${why}): import only images made by store.export()`, 'image');
  }
  const expected = schemaTables(version);
  const foreign = tables.filter((t) => !expected.includes(t) && !ROWS_TABLE.test(t));
  if (foreign.length > 0) {
    throw new ValidationError(`the image holds tables flowstore never makes (${list(foreign)}): it is not a flowstore database`, 'image');
  }
  // Triggers and views would run or be read by code that never made them. A dumped table's
  // triggers are flowstore's own: they are not copied but made anew (see replaceWith).
  const other = objects.filter(
    (o) => o.type !== 'table' && o.type !== 'index' && !(o.type === 'trigger' && DUMP_TRIGGER.test(String(o.name))),
  );
  if (other.length > 0) {
    throw new ValidationError(
      `the image holds ${other.map((o) => `a ${String(o.type)} ${JSON.stringify(o.name)}`).join(', ')}, which flowstore never makes`,
      'image',
    );
  }
  return tables;
}

/**
 * Checks what flowstore trusts when it reads it back: stored JSON, row ids
 * (they name the files of a dumped table) and the dumps (where those files go).
 */
function checkContents(copy: Driver, rowsTables: string[]): void {
  for (const [table, column] of JSON_COLUMNS) {
    const n = count(copy, table, `typeof(${column}) = 'text' AND NOT json_valid(${column})`);
    if (n > 0) {
      throw new ValidationError(
        `the image's ${table} holds ${n === 1 ? '1 value' : `${n} values`} of column ${column} that ${n === 1 ? 'is' : 'are'} not JSON`,
        'image',
      );
    }
  }
  for (const t of rowsTables) checkRows(copy, t);
  for (const { tbl, config } of copy.all('SELECT tbl, config FROM tables_dumps')) checkDump(copy, rowsTables, tbl, config);
}

function checkRows(copy: Driver, t: string): void {
  // CASE, not AND: json_type() throws on text that is not JSON, and only CASE promises not to evaluate it then.
  const notObjects = count(copy, t, `CASE WHEN typeof(data) = 'text' AND json_valid(data) THEN json_type(data) END IS NOT 'object'`);
  if (notObjects > 0) {
    throw new ValidationError(
      `the image's table ${tableOfRows(t)} holds ${notObjects === 1 ? '1 row' : `${notObjects} rows`} whose data is not a JSON object`,
      'image',
    );
  }
  const bad = copy.get(
    `SELECT count(*) AS n, min(id) AS id FROM ${quote(t)} WHERE typeof(id) IS NOT 'text' OR id NOT GLOB '${UUID_GLOB}'`,
  )!;
  const n = Number(bad.n);
  if (n > 0) {
    throw new ValidationError(
      `the image's table ${tableOfRows(t)} holds ${n === 1 ? '1 row whose id is not a UUID' : `${n} rows whose ids are not UUIDs, such as`} (${describe(bad.id)}): flowstore makes every row id itself, and names files by them`,
      'image',
    );
  }
}

/** Checks a dump as the API checks one, and stores it back in its checked form (defaults filled in). */
function checkDump(copy: Driver, rowsTables: string[], tbl: unknown, config: unknown): void {
  if (typeof tbl !== 'string' || !IDENTIFIER.test(tbl)) {
    throw new ValidationError(`the image has a dump of ${describe(tbl)}, which is not a table name`, 'image');
  }
  if (!rowsTables.includes(rowsTable(tbl))) {
    throw new ValidationError(`the image has a dump of table ${tbl}, which it does not hold (it has no ${rowsTable(tbl)})`, 'image');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(config));
  } catch {
    throw new ValidationError(`the dump of table ${tbl} in the image is not JSON (${describe(config)})`, 'image');
  }
  let dump: StoredDump;
  try {
    dump = checkStoredDump(parsed, (name) => IDENTIFIER.test(name));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(`the dump of table ${tbl} in the image is not one flowstore makes: ${err.reason}`, 'image');
  }
  copy.run('UPDATE tables_dumps SET config = ? WHERE tbl = ?', [JSON.stringify(dump), tbl]);
}

/** Drops everything of this database and copies in the checked copy's tables, rows and indexes. */
function replaceWith(db: Db, copy: Driver): void {
  const version = db.get(`SELECT value FROM meta WHERE key = 'version'`)?.value ?? 0;
  const calls = db.all('SELECT key, reply, at FROM applied_calls');
  // References are checked once, after every table is back (see the check below).
  db.exec('PRAGMA defer_foreign_keys = ON');
  const old = db.query(`SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view', 'trigger')
    AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid DESC`);
  for (const o of old) db.exec(`DROP ${String(o.type).toUpperCase()} IF EXISTS ${quote(o.name)}`);
  const objects = copy.query(`SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL
    AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`);
  for (const t of objects.filter((o) => o.type === 'table')) {
    db.exec(String(t.sql));
    copyRows(db, copy, String(t.name));
  }
  // Indexes after their rows: building one at once is faster than growing it row by row.
  for (const i of objects.filter((o) => o.type === 'index')) db.exec(String(i.sql));
  // Dumped tables get their triggers from this code, and every file is written again from the imported rows.
  for (const { tbl } of db.all('SELECT tbl FROM tables_dumps')) {
    createDumpTriggers(db, String(tbl));
    markAll(db, String(tbl));
  }
  db.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)`, [version]);
  db.run('DELETE FROM applied_calls');
  for (const c of calls) db.run('INSERT INTO applied_calls (key, reply, at) VALUES (?, ?, ?)', [c.key!, c.reply!, c.at!]);
  const broken = db.query('PRAGMA foreign_key_check');
  if (broken.length > 0) {
    const where = [...new Set(broken.map((r) => String(r.table)))];
    throw new ValidationError(
      `the image's rows break its own references (${broken.length} row(s) of ${list(where)} point at rows that are not there)`,
      'image',
    );
  }
}

function copyRows(db: Db, copy: Driver, table: string): void {
  const columns = copy.query(`PRAGMA table_info(${quote(table)})`).map((c) => quote(c.name));
  const names = columns.join(', ');
  const insert = `INSERT INTO ${quote(table)} (${names}) VALUES (${columns.map(() => '?').join(', ')})`;
  const select = `SELECT rowid AS "flowstore rowid", ${names} FROM ${quote(table)}`;
  let rows: SqlRow[] = copy.all(`${select} ORDER BY rowid LIMIT ${PAGE}`);
  while (rows.length > 0) {
    for (const row of rows) {
      const { 'flowstore rowid': _, ...values } = row;
      db.run(insert, Object.values(values));
    }
    if (rows.length < PAGE) break;
    rows = copy.all(`${select} WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`, [rows[rows.length - 1]!['flowstore rowid']!]);
  }
}

function count(copy: Driver, table: string, where: string): number {
  return Number(copy.get(`SELECT count(*) AS n FROM ${quote(table)} WHERE ${where}`)!.n);
}

function quote(name: unknown): string {
  return `"${String(name).replaceAll('"', '""')}"`;
}
