import { readOp } from './read-op.js';
import { AlreadyExistsError, AmbiguousIdError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { isPlainObject } from '../../shared/json-object.js';
import { checkLimit, checkOffset, normalizeQuery, normalizeWhere } from '../../shared/table-query.js';
import { bindParams, checkAliasDefinition, type Alias, type AliasDefinition } from '../../shared/table-alias.js';
import {
  assertTableName,
  checkData,
  checkSchema,
  mergeShallow,
  withOpIndex,
  type BatchOp,
  type Row,
  type TableSchema,
} from '../../shared/table-schema.js';
import { assertOpList, checkBatchOp, checkUpdateMode } from '../../shared/table-ops.js';
import type { JsonObject } from '../../shared/types.js';
import { assertId, describe } from '../../shared/validate.js';
import { countSql, listSql, rowsTable, tableDdl } from '../table-sql.js';
import { checkDump, storedDump } from '../../shared/table-dump.js';
import { setDump } from '../dump/dump-sql.js';
import type { SqlRow, Db } from '../db.js';
import { randomId } from '../random-id.js';

/** Length of a UUID in text form: an id this long is looked up exactly, never as a prefix. */
const FULL_ID_LENGTH = 36;

// The largest code point: every string that starts with `p` sorts below p + this (ids are ASCII).
const AFTER_PREFIX = '\u{10FFFF}';

/** A table as a handler sees it: its name, its SQLite table, the caller's schema (checked), and its INSERT. */
type Ctx = { name: string; sql: string; schema: TableSchema; insert: string };

const NO_SCHEMA: TableSchema = { fields: {} };

/**
 * Tables already checked, by the schema object a call carried. The calls of
 * one message that name the same schema share one object after structured
 * clone (the facade sends its table's own schema, uncopied), so 10,000
 * concurrent creates check it once. Nothing changes a schema object once a
 * call carries it: on the wire it is the engine's alone, in-process it is the
 * facade's private checked copy.
 */
const checkedTables = new WeakMap<object, Map<string, Ctx>>();

// The facade checked all of this already; the engine checks again because it
// splices names into SQL and is the last line before the data.
function ctx(name: string, schema?: TableSchema): Ctx {
  // Calls without a schema (get, delete) and malformed ones are checked every time.
  if (typeof schema !== 'object' || schema === null) return checkedCtx(name, schema);
  let byName = checkedTables.get(schema);
  let t = byName?.get(name);
  if (!t) {
    t = checkedCtx(name, schema);
    if (!byName) checkedTables.set(schema, (byName = new Map()));
    byName.set(name, t);
  }
  return t;
}

function checkedCtx(name: string, schema: TableSchema | undefined): Ctx {
  assertTableName(name);
  const sql = `"${rowsTable(name)}"`;
  return {
    name,
    sql,
    schema: schema === undefined ? NO_SCHEMA : checkSchema(schema),
    insert: `INSERT INTO ${sql} (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)`,
  };
}

function toRow(r: SqlRow): Row {
  return {
    id: r.id as string,
    data: JSON.parse(r.data as string) as JsonObject,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * The full id that `idOrPrefix` names: exact for a full-length id, otherwise
 * the one id it starts (case-sensitive, a range query with bound values).
 */
function resolveId(db: Db, t: Ctx, idOrPrefix: unknown): string {
  if (typeof idOrPrefix !== 'string' || idOrPrefix.length === 0) {
    throw new ValidationError(`an id (or a prefix of one) must be a non-empty string, got ${describe(idOrPrefix)}`, 'id');
  }
  if (idOrPrefix.length === FULL_ID_LENGTH) {
    if (db.get(`SELECT 1 FROM ${t.sql} WHERE id = ?`, [idOrPrefix])) return idOrPrefix;
    throw new NotFoundError(`Table ${t.name} has no row with id ${JSON.stringify(idOrPrefix)}.`);
  }
  const ids = db
    // Plain `?`s: better-sqlite3 miscounts numbered ones (?1) bound by position.
    .all(`SELECT id FROM ${t.sql} WHERE id >= ? AND id < ? AND substr(id, 1, length(?)) = ? ORDER BY id`, [
      idOrPrefix,
      idOrPrefix + AFTER_PREFIX,
      idOrPrefix,
      idOrPrefix,
    ])
    .map((r) => r.id as string);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new NotFoundError(`Table ${t.name} has no row whose id starts with ${JSON.stringify(idOrPrefix)}.`);
  throw new AmbiguousIdError(idOrPrefix, ids);
}

function readRow(db: Db, t: Ctx, id: string): Row {
  return toRow(db.get(`SELECT id, data, created_at, updated_at FROM ${t.sql} WHERE id = ?`, [id])!);
}

function create(db: Db, t: Ctx, data: unknown): Row {
  checkData(t.schema, data);
  const id = randomId();
  const now = db.now();
  const text = JSON.stringify(data);
  db.run(t.insert, [id, text, now, now]);
  db.changed('table', t.name, undefined, { id });
  // A parse of the text stored, not the data itself: JSON turns a -0 into 0, and the row returned must be what a read returns.
  return { id, data: JSON.parse(text) as JsonObject, createdAt: now, updatedAt: now };
}

function update(db: Db, t: Ctx, idOrPrefix: unknown, patch: unknown, mode: unknown): Row {
  const how = checkUpdateMode(mode);
  const id = resolveId(db, t, idOrPrefix);
  const old = readRow(db, t, id);
  // The merge happens here, against the stored row, so it is checked here too.
  const doc = how === 'replace' ? patch : mergeShallow(t.schema, old.data, patch);
  checkData(t.schema, doc);
  const text = JSON.stringify(doc);
  // Strictly increasing even within one millisecond (or if the clock steps back).
  const updatedAt = Math.max(db.now(), old.updatedAt + 1);
  db.run(`UPDATE ${t.sql} SET data = ?, updated_at = ? WHERE id = ?`, [text, updatedAt, id]);
  db.changed('table', t.name, undefined, { id });
  return { id, data: JSON.parse(text) as JsonObject, createdAt: old.createdAt, updatedAt };
}

function remove(db: Db, t: Ctx, idOrPrefix: unknown): void {
  const id = resolveId(db, t, idOrPrefix);
  if (db.run(`DELETE FROM ${t.sql} WHERE id = ?`, [id]) === 0) {
    throw new NotFoundError(`Table ${t.name} has no row with id ${JSON.stringify(id)}.`);
  }
  db.changed('table', t.name, undefined, { id });
}

function applyOp(db: Db, t: Ctx, op: unknown): Row | null {
  const checked = checkBatchOp(op);
  switch (checked.op) {
    case 'create':
      return create(db, t, checked.data);
    case 'update':
      return update(db, t, checked.id, checked.patch, checked.mode);
    case 'delete':
      remove(db, t, checked.id);
      return null;
  }
}

function readAlias(r: SqlRow): Alias {
  const alias: Alias = { name: r.name as string, where: JSON.parse(r.where_json as string) as Alias['where'] };
  if (r.row_limit !== null) alias.limit = Number(r.row_limit);
  if (r.description !== null) alias.description = r.description as string;
  if (r.params !== null) alias.params = JSON.parse(r.params as string) as string[];
  return alias;
}

function assertAliasName(name: unknown): asserts name is string {
  assertId(name, 'alias');
}

function getAlias(db: Db, t: Ctx, alias: unknown): Alias {
  assertAliasName(alias);
  const r = db.get('SELECT name, where_json, row_limit, description, params FROM tables_aliases WHERE tbl = ? AND name = ?', [
    t.name,
    alias,
  ]);
  if (!r) throw new NotFoundError(`Table ${t.name} has no alias ${JSON.stringify(alias)}.`);
  return readAlias(r);
}

/** Schema-checked rows of named tables, and their saved queries. */
export const tablesOps = {
  /**
   * Creates the table and its indexes if missing. Existing rows and indexes are kept as they are.
   * With `dump`, records it as the table's dump (for every handle and tab); without, the table keeps the one it has.
   */
  'tables.open'(db: Db, name: string, schema: TableSchema, dump?: unknown): void {
    const t = ctx(name, schema);
    const config = dump === undefined ? undefined : checkDump(t.schema.fields, dump);
    db.exec(tableDdl(name, t.schema.indexes ?? []));
    const now = db.now();
    // Reopening with the same schema writes nothing.
    db.run(
      `INSERT INTO tables_catalog (name, schema, created_at, schema_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET schema = excluded.schema, schema_at = excluded.schema_at WHERE schema IS NOT excluded.schema`,
      [name, JSON.stringify(t.schema), now, now],
    );
    if (config) setDump(db, name, storedDump(config));
  },

  /**
   * Asks for the files of table `name` that are behind to be written now; the
   * engine host does it after this call's batch. Writes nothing itself, and
   * is not a read only so that the host sees it. Resolves with whether the table has a dump.
   */
  'tables.dumpReconcile'(db: Db, name: string): boolean {
    const t = ctx(name);
    return db.get('SELECT 1 AS yes FROM tables_dumps WHERE tbl = ?', [t.name]) !== undefined;
  },

  'tables.create'(db: Db, name: string, schema: TableSchema, data: JsonObject): Row {
    return create(db, ctx(name, schema), data);
  },

  'tables.get': readOp((db: Db, name: string, idOrPrefix: string): Row => {
    const t = ctx(name);
    return readRow(db, t, resolveId(db, t, idOrPrefix));
  }),

  'tables.list': readOp((db: Db, name: string, schema: TableSchema, query: unknown): Row[] => {
    const t = ctx(name, schema);
    const q = listSql(name, normalizeQuery(t.schema, query));
    return db.all(q.sql, q.params).map(toRow);
  }),

  'tables.count': readOp((db: Db, name: string, schema: TableSchema, where: unknown): number => {
    const t = ctx(name, schema);
    const q = countSql(name, normalizeWhere(t.schema, where));
    return Number(db.get(q.sql, q.params)!.n);
  }),

  'tables.update'(db: Db, name: string, schema: TableSchema, idOrPrefix: string, patch: JsonObject, mode?: 'merge' | 'replace'): Row {
    return update(db, ctx(name, schema), idOrPrefix, patch, mode);
  },

  'tables.delete'(db: Db, name: string, idOrPrefix: string): void {
    remove(db, ctx(name), idOrPrefix);
  },

  /**
   * Applies every operation in order, or none: the engine undoes every write
   * of a call that throws (see Engine.exec), so a throw here undoes the earlier operations.
   */
  'tables.batch'(db: Db, name: string, schema: TableSchema, ops: BatchOp[]): (Row | null)[] {
    const t = ctx(name, schema);
    assertOpList(ops);
    return ops.map((op, i) => {
      try {
        return applyOp(db, t, op);
      } catch (err) {
        throw withOpIndex(err, i);
      }
    });
  },

  'tables.aliasCreate'(db: Db, name: string, schema: TableSchema, alias: string, definition: AliasDefinition): void {
    const t = ctx(name, schema);
    assertAliasName(alias);
    const def = checkAliasDefinition(t.schema, definition);
    const inserted = db.run(
      `INSERT INTO tables_aliases (tbl, name, where_json, row_limit, description, params, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [
        name,
        alias,
        JSON.stringify(def.where),
        def.limit ?? null,
        def.description ?? null,
        def.params ? JSON.stringify(def.params) : null,
        db.now(),
      ],
    );
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Table ${name} already has an alias ${JSON.stringify(alias)}; the first definition is kept. Delete it first to redefine it.`,
      );
    }
    db.changed('table', name, undefined, { alias });
  },

  'tables.aliasGet': readOp((db: Db, name: string, alias: string): Alias => {
    return getAlias(db, ctx(name), alias);
  }),

  'tables.aliasList': readOp((db: Db, name: string): Alias[] => {
    const t = ctx(name);
    return db
      .all('SELECT name, where_json, row_limit, description, params FROM tables_aliases WHERE tbl = ? ORDER BY name', [t.name])
      .map(readAlias);
  }),

  'tables.aliasDelete'(db: Db, name: string, alias: string): void {
    const t = ctx(name);
    assertAliasName(alias);
    if (db.run('DELETE FROM tables_aliases WHERE tbl = ? AND name = ?', [t.name, alias]) === 0) {
      throw new NotFoundError(`Table ${name} has no alias ${JSON.stringify(alias)}.`);
    }
    db.changed('table', name, undefined, { alias });
  },

  /** Lists with an alias's filter, its placeholders bound from `params`; `opts.limit` overrides the alias's. */
  'tables.aliasRun': readOp(
    (db: Db, name: string, schema: TableSchema, alias: string, params?: JsonObject, opts?: { limit?: number; offset?: number }): Row[] => {
      const t = ctx(name, schema);
      const a = getAlias(db, t, alias);
      if (opts !== undefined && !isPlainObject(opts))
        throw new ValidationError(`run() options must be an object, got ${describe(opts)}`, 'opts');
      const where = bindParams(a.where, a.params ?? [], params);
      const q = normalizeQuery(t.schema, {
        where,
        limit: checkLimit(opts?.limit, 'limit') ?? a.limit,
        offset: checkOffset(opts?.offset),
      });
      const sql = listSql(name, q);
      return db.all(sql.sql, sql.params).map(toRow);
    },
  ),
};
