import { AlreadyExistsError, AmbiguousIdError, NotFoundError, ValidationError } from '../../errors.js';
import { isPlainObject } from '../../json-object.js';
import { bindParams, checkAliasDefinition, checkLimit, checkOffset, normalizeQuery, normalizeWhere, type Alias, type AliasDefinition } from '../../table-query.js';
import { assertTableName, checkData, checkSchema, mergeShallow, withOpIndex, type BatchOp, type Row, type TableSchema } from '../../table-schema.js';
import type { JsonObject } from '../../types.js';
import { describe } from '../../validate.js';
import { countSql, listSql, rowsTable, tableDdl } from '../table-sql.js';
import type { SqlRow, Tx } from '../tx.js';

/** Length of a UUID in text form: an id this long is looked up exactly, never as a prefix. */
const FULL_ID_LENGTH = 36;

// The largest code point: every string that starts with `p` sorts below p + this (ids are ASCII).
const AFTER_PREFIX = '\u{10FFFF}';

/** A table as a handler sees it: its name, its SQLite table, and the caller's schema (checked). */
type Ctx = { name: string; sql: string; schema: TableSchema };

// The facade checked all of this already; the engine checks again because it
// splices names into SQL and is the last line before the data.
function ctx(name: string, schema?: TableSchema): Ctx {
  assertTableName(name);
  return { name, sql: `"${rowsTable(name)}"`, schema: schema === undefined ? { fields: {} } : checkSchema(schema) };
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
function resolveId(tx: Tx, t: Ctx, idOrPrefix: unknown): string {
  if (typeof idOrPrefix !== 'string' || idOrPrefix.length === 0) {
    throw new ValidationError(`an id (or a prefix of one) must be a non-empty string, got ${describe(idOrPrefix)}`, 'id');
  }
  if (idOrPrefix.length === FULL_ID_LENGTH) {
    if (tx.get(`SELECT 1 FROM ${t.sql} WHERE id = ?`, [idOrPrefix])) return idOrPrefix;
    throw new NotFoundError(`Table ${t.name} has no row with id ${JSON.stringify(idOrPrefix)}.`);
  }
  const ids = tx
    .all(`SELECT id FROM ${t.sql} WHERE id >= ?1 AND id < ?2 AND substr(id, 1, length(?1)) = ?1 ORDER BY id`, [idOrPrefix, idOrPrefix + AFTER_PREFIX])
    .map((r) => r.id as string);
  if (ids.length === 1) return ids[0]!;
  if (ids.length === 0) throw new NotFoundError(`Table ${t.name} has no row whose id starts with ${JSON.stringify(idOrPrefix)}.`);
  throw new AmbiguousIdError(idOrPrefix, ids);
}

function readRow(tx: Tx, t: Ctx, id: string): Row {
  return toRow(tx.get(`SELECT id, data, created_at, updated_at FROM ${t.sql} WHERE id = ?`, [id])!);
}

function create(tx: Tx, t: Ctx, data: unknown): Row {
  checkData(t.schema, data);
  const id = crypto.randomUUID();
  const now = tx.now();
  const text = JSON.stringify(data);
  tx.run(`INSERT INTO ${t.sql} (id, data, created_at, updated_at) VALUES (?, ?, ?, ?)`, [id, text, now, now]);
  tx.changed('table', t.name);
  return { id, data: JSON.parse(text) as JsonObject, createdAt: now, updatedAt: now };
}

function update(tx: Tx, t: Ctx, idOrPrefix: unknown, patch: unknown, mode: unknown): Row {
  if (mode !== undefined && mode !== 'merge' && mode !== 'replace') {
    throw new ValidationError(`mode must be 'merge' or 'replace', got ${describe(mode)}`, 'mode');
  }
  const id = resolveId(tx, t, idOrPrefix);
  const old = readRow(tx, t, id);
  // The merge happens here, against the stored row, so it is checked here too.
  const doc = mode === 'replace' ? patch : mergeShallow(t.schema, old.data, patch);
  checkData(t.schema, doc);
  const text = JSON.stringify(doc);
  // Strictly increasing even within one millisecond (or if the clock steps back).
  const updatedAt = Math.max(tx.now(), old.updatedAt + 1);
  tx.run(`UPDATE ${t.sql} SET data = ?, updated_at = ? WHERE id = ?`, [text, updatedAt, id]);
  tx.changed('table', t.name);
  return { id, data: JSON.parse(text) as JsonObject, createdAt: old.createdAt, updatedAt };
}

function remove(tx: Tx, t: Ctx, idOrPrefix: unknown): void {
  const id = resolveId(tx, t, idOrPrefix);
  if (tx.run(`DELETE FROM ${t.sql} WHERE id = ?`, [id]) === 0) {
    throw new NotFoundError(`Table ${t.name} has no row with id ${JSON.stringify(id)}.`);
  }
  tx.changed('table', t.name);
}

function applyOp(tx: Tx, t: Ctx, op: unknown): Row | null {
  if (!isPlainObject(op)) throw new ValidationError(`an operation must be an object like { op: 'create', data }, got ${describe(op)}`, 'op');
  switch (op.op) {
    case 'create':
      return create(tx, t, op.data);
    case 'update':
      return update(tx, t, op.id, op.patch, op.mode);
    case 'delete':
      remove(tx, t, op.id);
      return null;
    default:
      throw new ValidationError(`op must be 'create', 'update' or 'delete', got ${describe(op.op)}`, 'op');
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
  if (typeof name !== 'string' || name.length === 0) throw new ValidationError(`an alias name must be a non-empty string, got ${describe(name)}`, 'alias');
}

function getAlias(tx: Tx, t: Ctx, alias: unknown): Alias {
  assertAliasName(alias);
  const r = tx.get('SELECT name, where_json, row_limit, description, params FROM tables_aliases WHERE tbl = ? AND name = ?', [t.name, alias]);
  if (!r) throw new NotFoundError(`Table ${t.name} has no alias ${JSON.stringify(alias)}.`);
  return readAlias(r);
}

/** Schema-checked rows of named tables, and their saved queries. */
export const tablesOps = {
  /** Creates the table and its indexes if missing. Existing rows and indexes are kept as they are. */
  'tables.open'(tx: Tx, name: string, schema: TableSchema): void {
    const t = ctx(name, schema);
    tx.exec(tableDdl(name, t.schema.indexes ?? []));
    const now = tx.now();
    // Reopening with the same schema writes nothing.
    tx.run(
      `INSERT INTO tables_catalog (name, schema, created_at, schema_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET schema = excluded.schema, schema_at = excluded.schema_at WHERE schema IS NOT excluded.schema`,
      [name, JSON.stringify(t.schema), now, now],
    );
  },

  'tables.create'(tx: Tx, name: string, schema: TableSchema, data: JsonObject): Row {
    return create(tx, ctx(name, schema), data);
  },

  'tables.get'(tx: Tx, name: string, idOrPrefix: string): Row {
    const t = ctx(name);
    return readRow(tx, t, resolveId(tx, t, idOrPrefix));
  },

  'tables.list'(tx: Tx, name: string, schema: TableSchema, query: unknown): Row[] {
    const t = ctx(name, schema);
    const q = listSql(name, normalizeQuery(t.schema, query));
    return tx.all(q.sql, q.params).map(toRow);
  },

  'tables.count'(tx: Tx, name: string, schema: TableSchema, where: unknown): number {
    const t = ctx(name, schema);
    const q = countSql(name, normalizeWhere(t.schema, where));
    return Number(tx.get(q.sql, q.params)!.n);
  },

  'tables.update'(tx: Tx, name: string, schema: TableSchema, idOrPrefix: string, patch: JsonObject, mode?: 'merge' | 'replace'): Row {
    return update(tx, ctx(name, schema), idOrPrefix, patch, mode);
  },

  'tables.delete'(tx: Tx, name: string, idOrPrefix: string): void {
    remove(tx, ctx(name), idOrPrefix);
  },

  /**
   * Applies every operation in order, or none: the engine undoes every write
   * of a call that throws (see Engine.exec), so a throw here undoes the earlier operations.
   */
  'tables.batch'(tx: Tx, name: string, schema: TableSchema, ops: BatchOp[]): (Row | null)[] {
    const t = ctx(name, schema);
    if (!Array.isArray(ops)) throw new ValidationError(`batch() takes a list of operations, got ${describe(ops)}`, 'ops');
    return ops.map((op, i) => {
      try {
        return applyOp(tx, t, op);
      } catch (err) {
        throw withOpIndex(err, i);
      }
    });
  },

  'tables.aliasCreate'(tx: Tx, name: string, schema: TableSchema, alias: string, definition: AliasDefinition): void {
    const t = ctx(name, schema);
    assertAliasName(alias);
    const def = checkAliasDefinition(t.schema, definition);
    const inserted = tx.run(
      `INSERT INTO tables_aliases (tbl, name, where_json, row_limit, description, params, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [name, alias, JSON.stringify(def.where), def.limit ?? null, def.description ?? null, def.params ? JSON.stringify(def.params) : null, tx.now()],
    );
    if (inserted === 0) {
      throw new AlreadyExistsError(`Table ${name} already has an alias ${JSON.stringify(alias)}; the first definition is kept. Delete it first to redefine it.`);
    }
    tx.changed('table', name);
  },

  'tables.aliasGet'(tx: Tx, name: string, alias: string): Alias {
    return getAlias(tx, ctx(name), alias);
  },

  'tables.aliasList'(tx: Tx, name: string): Alias[] {
    const t = ctx(name);
    return tx.all('SELECT name, where_json, row_limit, description, params FROM tables_aliases WHERE tbl = ? ORDER BY name', [t.name]).map(readAlias);
  },

  'tables.aliasDelete'(tx: Tx, name: string, alias: string): void {
    const t = ctx(name);
    assertAliasName(alias);
    if (tx.run('DELETE FROM tables_aliases WHERE tbl = ? AND name = ?', [t.name, alias]) === 0) {
      throw new NotFoundError(`Table ${name} has no alias ${JSON.stringify(alias)}.`);
    }
    tx.changed('table', name);
  },

  /** Lists with an alias's filter, its placeholders bound from `params`; `opts.limit` overrides the alias's. */
  'tables.aliasRun'(tx: Tx, name: string, schema: TableSchema, alias: string, params?: JsonObject, opts?: { limit?: number; offset?: number }): Row[] {
    const t = ctx(name, schema);
    const a = getAlias(tx, t, alias);
    if (opts !== undefined && !isPlainObject(opts)) throw new ValidationError(`run() options must be an object, got ${describe(opts)}`, 'opts');
    const where = bindParams(a.where, a.params ?? [], params);
    const q = normalizeQuery(t.schema, {
      where,
      limit: checkLimit(opts?.limit, 'limit') ?? a.limit,
      offset: checkOffset(opts?.offset),
    });
    const sql = listSql(name, q);
    return tx.all(sql.sql, sql.params).map(toRow);
  },
};
