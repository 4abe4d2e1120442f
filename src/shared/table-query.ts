import { ValidationError } from './errors.js';
import { isPlainObject } from './json-object.js';
import { hasType, TIME_KEYS, type FieldType, type TableSchema } from './table-schema.js';
import type { Json, JsonObject } from './types.js';
import { assertJson, assertWellFormed, describe } from './validate.js';

/** A placeholder in an alias's `where`, bound from `aliases.run(name, params)`. */
export type Param = { $param: string };

/** Comparison operators of one field, ANDed. */
export type Operators<V> = {
  eq?: V | null | Param;
  /** Also matches rows where the field is absent. */
  ne?: V | null | Param;
  gt?: V | Param;
  gte?: V | Param;
  lt?: V | Param;
  lte?: V | Param;
  /** At most 1000 values. */
  in?: Array<V | Param> | Param;
  /** A substring of a string field, or an element of an array field. */
  contains?: (V extends readonly (infer E)[] ? E : string) | Param;
};

/** What a field is filtered with: a value (equality; null = absent), operators, or a placeholder. */
export type Condition<V> = V | null | Operators<V> | Param;

/**
 * A filter: conditions on schema fields, all ANDed. Unknown fields are
 * refused with ValidationError; values always travel as bound parameters.
 */
export type Where<T extends object = JsonObject> = { [K in keyof T & string]?: Condition<NonNullable<T[K]>> };

/** What `table.list` takes. */
export type ListQuery<T extends object = JsonObject> = {
  where?: Where<T>;
  /** 1 to 1000; anything else is a ValidationError. @default 100 */
  limit?: number;
  /** Rows to skip. @default 0 */
  offset?: number;
  /** A row time or a scalar schema field. Ties are broken by insertion order. @default 'createdAt' */
  orderBy?: 'createdAt' | 'updatedAt' | (keyof T & string);
  /** Newest (or largest) first. @default true */
  desc?: boolean;
};

/** A comparison operator. */
export type Op = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';

/** One checked condition: the engine turns it into SQL. */
export type Cond = { field: string; type: FieldType; op: Op; value: Json };

/** A checked list query with its defaults filled in. */
export type NormalQuery = { conds: Cond[]; limit: number; offset: number; orderBy: string; desc: boolean };

/** The largest page `list` returns. */
export const MAX_LIMIT = 1000;
/** The page size when none is given. */
export const DEFAULT_LIMIT = 100;
const MAX_IN = 1000;
const OPS: readonly string[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'];
const QUERY_KEYS = ['where', 'limit', 'offset', 'orderBy', 'desc'];

/**
 * Checks a filter against the schema and returns its conditions. With
 * `params` given, `{ $param }` placeholders are allowed (their names are
 * added to the set) and their operands are not type-checked; without it they
 * are refused.
 */
export function normalizeWhere(schema: TableSchema, where: unknown, params?: Set<string>): Cond[] {
  if (where === undefined) return [];
  if (!isPlainObject(where)) throw new ValidationError(`where must be an object of field conditions, got ${describe(where)}`, 'where');
  const conds: Cond[] = [];
  for (const [field, cond] of Object.entries(where)) {
    const path = `where.${field}`;
    if (!Object.hasOwn(schema.fields, field)) {
      const known = Object.keys(schema.fields).join(', ') || 'none';
      throw new ValidationError(`unknown field; a filter may use only schema fields (${known})`, path);
    }
    const type = schema.fields[field]!.type;
    if (isParam(cond) || !isPlainObject(cond)) {
      conds.push(condition(field, type, 'eq', cond, path, params));
      continue;
    }
    const ops = Object.entries(cond);
    if (ops.length === 0) throw new ValidationError(`an operator object needs at least one of ${OPS.join(', ')}`, path);
    for (const [op, operand] of ops) {
      if (!OPS.includes(op)) {
        throw new ValidationError(
          type === 'object' ? 'object fields cannot be filtered on' : `unknown operator ${describe(op)}; use ${OPS.join(', ')}`,
          `${path}.${op}`,
        );
      }
      conds.push(condition(field, type, op as Op, operand, `${path}.${op}`, params));
    }
  }
  return conds;
}

function condition(field: string, type: FieldType, op: Op, operand: unknown, path: string, params?: Set<string>): Cond {
  if (type === 'object' || (type === 'array' && op !== 'contains')) {
    throw new ValidationError(
      type === 'array' ? 'array fields can only be filtered with contains' : 'object fields cannot be filtered on',
      path,
    );
  }
  if (op === 'contains' && type !== 'string' && type !== 'array') {
    throw new ValidationError(`contains works on string and array fields, not on ${type} fields`, path);
  }
  if (isParam(operand)) return { field, type, op, value: placeholder(operand, path, params) };
  assertJson(operand, path);
  switch (op) {
    case 'eq':
    case 'ne':
      if (operand !== null) checkOperand(type, operand, path);
      break;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (type === 'boolean') throw new ValidationError('boolean fields cannot be compared with gt/gte/lt/lte', path);
      checkOperand(type, operand, path);
      break;
    case 'in':
      if (!Array.isArray(operand)) throw new ValidationError(`in takes a list of values, got ${describe(operand)}`, path);
      if (operand.length > MAX_IN) throw new ValidationError(`in takes at most ${MAX_IN} values, got ${operand.length}`, path);
      return {
        field,
        type,
        op,
        value: operand.map((item, i) => {
          if (isParam(item)) return placeholder(item, `${path}[${i}]`, params);
          checkOperand(type, item, `${path}[${i}]`);
          return item;
        }),
      };
    case 'contains':
      if (type === 'string' ? typeof operand !== 'string' : operand === null || typeof operand === 'object') {
        throw new ValidationError(
          `contains takes ${type === 'string' ? 'a string' : 'a string, number or boolean'}, got ${describe(operand)}`,
          path,
        );
      }
      if (typeof operand === 'string') assertWellFormed(operand, path);
      break;
  }
  return { field, type, op, value: operand as Json };
}

function checkOperand(type: FieldType, operand: Json, path: string): void {
  // An integer field may still be compared with any number (gt 2.5).
  if (operand === null || !hasType(type === 'integer' ? 'number' : type, operand)) {
    throw new ValidationError(
      `the field holds ${type} values, so compare it with ${type === 'integer' ? 'a number' : `a ${type}`}, not ${describe(operand)}`,
      path,
    );
  }
  // Operands are bound as SQLite text, where a lone surrogate would become U+FFFD and match other strings.
  if (typeof operand === 'string') assertWellFormed(operand, path);
}

function placeholder(param: Param, path: string, params?: Set<string>): Json {
  if (!params) throw new ValidationError('{ $param } placeholders are only allowed in aliases; pass the value itself', path);
  if (typeof param.$param !== 'string' || param.$param.length === 0) {
    throw new ValidationError('$param must name a parameter (a non-empty string)', `${path}.$param`);
  }
  params.add(param.$param);
  return { $param: param.$param };
}

/** Whether `value` is a `{ $param: … }` placeholder. */
export function isParam(value: unknown): value is Param {
  return isPlainObject(value) && Object.keys(value).length === 1 && Object.hasOwn(value, '$param');
}

/** Checks a list query and fills in its defaults. */
export function normalizeQuery(schema: TableSchema, query: unknown): NormalQuery {
  if (query === undefined) query = {};
  if (!isPlainObject(query)) throw new ValidationError(`list() takes an options object, got ${describe(query)}`, 'query');
  for (const key of Object.keys(query)) {
    if (!QUERY_KEYS.includes(key)) throw new ValidationError(`unknown option; expected ${QUERY_KEYS.join(', ')}`, key);
  }
  const conds = normalizeWhere(schema, query.where);
  const limit = checkLimit(query.limit, 'limit') ?? DEFAULT_LIMIT;
  const offset = checkOffset(query.offset);
  const orderBy = query.orderBy ?? 'createdAt';
  if (typeof orderBy !== 'string' || !isSortKey(schema, orderBy)) {
    const fields = Object.keys(schema.fields).filter((f) => isSortKey(schema, f));
    throw new ValidationError(
      `orderBy must be createdAt, updatedAt or a scalar schema field (${fields.join(', ') || 'none'}), got ${describe(orderBy)}`,
      'orderBy',
    );
  }
  const desc = query.desc ?? true;
  if (typeof desc !== 'boolean') throw new ValidationError(`desc must be true or false, got ${describe(desc)}`, 'desc');
  return { conds, limit, offset, orderBy, desc };
}

function isSortKey(schema: TableSchema, key: string): boolean {
  if ((TIME_KEYS as readonly string[]).includes(key)) return true;
  if (!Object.hasOwn(schema.fields, key)) return false;
  const type = schema.fields[key]!.type;
  return type !== 'object' && type !== 'array';
}

/** Checks a page size: a whole number from 1 to 1000 (undefined passes through). */
export function checkLimit(limit: unknown, path: string): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_LIMIT}, got ${describe(limit)}`, path);
  }
  return limit;
}

/** Checks an offset: a whole number from 0 (default 0). */
export function checkOffset(offset: unknown): number {
  if (offset === undefined) return 0;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ValidationError(`offset must be a whole number from 0, got ${describe(offset)}`, 'offset');
  }
  return offset;
}
