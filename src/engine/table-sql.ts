import type { SqlValue } from '@sqlite.org/sqlite-wasm';
import { ValidationError } from '../shared/errors.js';
import type { Cond, NormalQuery } from '../shared/table-query.js';
import { IDENTIFIER } from '../shared/table-schema.js';

// Each flowstore table is its own SQLite table, so rows of different tables
// (and of other modules) can never meet. SQLite names are case-insensitive
// while table and field names are not, so names are encoded injectively into
// lowercase: "_" -> "_0", "A" -> "_a". An encoding never holds "__", which
// therefore separates a table from its field in index names.
function encode(name: string): string {
  if (!IDENTIFIER.test(name)) throw new ValidationError(`${JSON.stringify(name)} is not a plain identifier`, 'name');
  return name.replace(/[A-Z_]/g, (c) => (c === '_' ? '_0' : `_${c.toLowerCase()}`));
}

/** The SQLite table holding the rows of table `name`. */
export function rowsTable(name: string): string {
  return `table_${encode(name)}`;
}

/** The table whose rows SQLite table `sqlName` holds (the inverse of {@link rowsTable}: "_0" is "_", "_x" is "X"). */
export function tableOfRows(sqlName: string): string {
  return sqlName.replace(/^table_/, '').replace(/_(.)/g, (_, c: string) => (c === '0' ? '_' : c.toUpperCase()));
}

/** The SQLite index of `field` in table `name`. */
export function fieldIndex(name: string, field: string): string {
  return `${rowsTable(name)}__${encode(field)}`;
}

/**
 * The SQL expression reading `field` from a row. It is literal text, not a
 * parameter, so that it matches the expression of the field's index; the
 * field is a checked identifier, so it cannot break out of the string.
 */
export function fieldExpr(field: string): string {
  if (!IDENTIFIER.test(field)) throw new ValidationError(`${JSON.stringify(field)} is not a plain identifier`, 'field');
  return `json_extract(data, '$.${field}')`;
}

/** DDL that creates table `name` (if missing) and the indexes of `indexes`. */
export function tableDdl(name: string, indexes: string[]): string {
  const t = rowsTable(name);
  // Indexes of fields end with created_at (and, implicitly, seq): a filtered
  // list in the default order then needs no sort.
  return [
    `CREATE TABLE IF NOT EXISTS "${t}" (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      data TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;`,
    `CREATE INDEX IF NOT EXISTS "${t}__0created" ON "${t}" (created_at);`,
    `CREATE INDEX IF NOT EXISTS "${t}__0updated" ON "${t}" (updated_at);`,
    ...indexes.map((f) => `CREATE INDEX IF NOT EXISTS "${fieldIndex(name, f)}" ON "${t}" (${fieldExpr(f)}, created_at);`),
  ].join('\n');
}

/** A WHERE clause (without the keyword) and its bound values. */
export function whereSql(conds: Cond[]): { sql: string; params: SqlValue[] } {
  if (conds.length === 0) return { sql: '1', params: [] };
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, value?: SqlValue) => {
    parts.push(sql);
    if (value !== undefined) params.push(value);
  };
  for (const c of conds) {
    const x = fieldExpr(c.field);
    switch (c.op) {
      case 'eq':
        if (c.value === null) add(`${x} IS NULL`);
        else add(`${x} = ?`, sqlValue(c.value));
        break;
      case 'ne':
        // IS NOT also keeps rows where the field is absent.
        if (c.value === null) add(`${x} IS NOT NULL`);
        else add(`${x} IS NOT ?`, sqlValue(c.value));
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        add(`${x} ${COMPARE[c.op]} ?`, sqlValue(c.value));
        break;
      case 'in':
        // One JSON parameter, so the SQL text does not grow with the list.
        add(`${x} IN (SELECT value FROM json_each(?))`, JSON.stringify(c.value));
        break;
      case 'contains':
        if (c.type === 'array') add(`EXISTS (SELECT 1 FROM json_each(data, '$.${c.field}') WHERE value = ?)`, sqlValue(c.value));
        else add(`instr(${x}, ?) > 0`, sqlValue(c.value));
        break;
    }
  }
  return { sql: parts.join(' AND '), params };
}

const COMPARE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

// json_extract gives true/false as 1/0; everything else compares as itself.
function sqlValue(value: unknown): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw new ValidationError(`cannot compare with ${JSON.stringify(value)}`, 'where');
}

/** The SELECT behind `list`: filtered, ordered (ties by insertion order) and paged. */
export function listSql(name: string, q: NormalQuery): { sql: string; params: SqlValue[] } {
  const where = whereSql(q.conds);
  const key = q.orderBy === 'createdAt' ? 'created_at' : q.orderBy === 'updatedAt' ? 'updated_at' : fieldExpr(q.orderBy);
  const dir = q.desc ? 'DESC' : 'ASC';
  return {
    sql: `SELECT id, data, created_at, updated_at FROM "${rowsTable(name)}" WHERE ${where.sql} ORDER BY ${key} ${dir}, seq ${dir} LIMIT ? OFFSET ?`,
    params: [...where.params, q.limit, q.offset],
  };
}

/** The SELECT behind `count`. */
export function countSql(name: string, conds: Cond[]): { sql: string; params: SqlValue[] } {
  const where = whereSql(conds);
  return { sql: `SELECT count(*) AS n FROM "${rowsTable(name)}" WHERE ${where.sql}`, params: where.params };
}
