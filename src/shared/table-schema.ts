import { AmbiguousIdError, batchOpFailed, NotFoundError, ValidationError } from './errors.js';
import { isPlainObject, setOwn } from './json-object.js';
import type { Json, JsonObject } from './types.js';
import type { DumpOptions } from './table-dump.js';
import { assertJson, describe, refuseSymbolData } from './validate.js';

/** The JSON type a table field must hold. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

/** One field of a table's schema. A field that is not required may be left out. */
export type FieldSpec = { type: FieldType; required?: boolean };

/**
 * A table's schema. Field names are plain identifiers (letters, digits and
 * `_`, not starting with a digit, at most 64 characters); rows may hold other
 * keys too, which are stored unchecked but cannot be filtered or sorted on.
 * `indexes` lists fields to index, so that lists filtered on them do not scan.
 * `dump` mirrors every row into a Markdown file (see {@link DumpOptions}).
 */
export type TableSchema = { fields: Record<string, FieldSpec>; indexes?: string[]; dump?: DumpOptions };

/** A row of a table: its data plus the id and times (epoch ms) the store keeps. */
export type Row<T extends object = JsonObject> = { id: string; data: T; createdAt: number; updatedAt: number };

/** A merge patch: the fields to change; `null` deletes an optional field. */
export type Patch<T extends object = JsonObject> = { [K in keyof T]?: T[K] | null };

/** How `update` applies its patch. */
export type UpdateMode = 'merge' | 'replace';

/** One operation of `table.batch`. An update merges unless `mode` is 'replace'. */
export type BatchOp<T extends object = JsonObject> =
  | { op: 'create'; data: T }
  | { op: 'update'; id: string; patch: Patch<T>; mode?: 'merge' }
  | { op: 'update'; id: string; patch: T; mode: 'replace' }
  | { op: 'delete'; id: string };

/** Table and field names: what SQL may hold as an identifier, never anything else. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The row times; `list` sorts on them by these names, so no field may take them. */
export const TIME_KEYS = ['createdAt', 'updatedAt'] as const;

const FIELD_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array'];

/** Throws unless `name` can name a table. */
export function assertTableName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new ValidationError(
      `a table name must be a plain identifier (letters, digits and _, not starting with a digit, at most 64 characters), got ${describe(name)}`,
      'name',
    );
  }
}

/**
 * Checks a schema and returns a clean copy of it (only known keys, without
 * `dump`: that is the table's, not each call's, and is checked by checkDump).
 * @throws ValidationError naming the offending part (`schema.fields.x.type`, …).
 */
export function checkSchema(schema: unknown): TableSchema {
  if (!isPlainObject(schema))
    throw new ValidationError('a schema must be an object like { fields: { title: { type: "string" } } }', 'schema');
  refuseUnknownKeys(schema, ['fields', 'indexes', 'dump'], 'schema');
  const fieldsIn = schema.fields;
  if (!isPlainObject(fieldsIn)) throw new ValidationError('fields must be an object of field specs', 'schema.fields');
  const fields: Record<string, FieldSpec> = {};
  for (const [name, spec] of Object.entries(fieldsIn)) {
    const path = `schema.fields.${name}`;
    if (!IDENTIFIER.test(name)) {
      throw new ValidationError(
        `field name ${describe(name)} is not a plain identifier (letters, digits and _, not starting with a digit)`,
        path,
      );
    }
    if ((TIME_KEYS as readonly string[]).includes(name)) {
      throw new ValidationError(`${name} is the row's own timestamp; give the field another name`, path);
    }
    if (!isPlainObject(spec)) throw new ValidationError('a field spec must be an object like { type: "string", required: true }', path);
    refuseUnknownKeys(spec, ['type', 'required'], path);
    if (typeof spec.type !== 'string' || !FIELD_TYPES.includes(spec.type)) {
      throw new ValidationError(`type must be one of ${FIELD_TYPES.join(', ')}, got ${describe(spec.type)}`, `${path}.type`);
    }
    if (spec.required !== undefined && typeof spec.required !== 'boolean') {
      throw new ValidationError(`required must be true or false, got ${describe(spec.required)}`, `${path}.required`);
    }
    setOwn(fields, name, spec.required ? { type: spec.type as FieldType, required: true } : { type: spec.type as FieldType });
  }
  const out: TableSchema = { fields };
  if (schema.indexes !== undefined) {
    if (!Array.isArray(schema.indexes)) throw new ValidationError('indexes must be a list of field names', 'schema.indexes');
    const indexes: string[] = [];
    schema.indexes.forEach((field: unknown, i) => {
      if (typeof field !== 'string' || !Object.hasOwn(fields, field)) {
        throw new ValidationError(`indexes may name only fields of the schema, got ${describe(field)}`, `schema.indexes[${i}]`);
      }
      if (fields[field]!.type === 'object' || fields[field]!.type === 'array') {
        throw new ValidationError(
          `field ${field} holds ${fields[field]!.type}s, which cannot be filtered on, so an index would not help`,
          `schema.indexes[${i}]`,
        );
      }
      if (!indexes.includes(field)) indexes.push(field);
    });
    out.indexes = indexes;
  }
  return out;
}

/**
 * Checks a whole row document against the schema: a plain JSON object, every
 * required field present and non-null, every schema field of its type. Keys
 * the schema does not name may hold any JSON value.
 * @throws ValidationError whose path is the field name, or "(root)" for the document itself.
 */
export function checkData(schema: TableSchema, data: unknown): asserts data is JsonObject {
  if (!isPlainObject(data)) throw new ValidationError(`a row must be a JSON object, got ${describe(data)}`, '(root)');
  // As inside any value; the snapshot also leaves such an object uncopied, for this check to refuse it.
  refuseSymbolData(data, '(root)');
  for (const [key, value] of Object.entries(data)) {
    assertJson(value, key);
    if (Object.hasOwn(schema.fields, key)) checkFieldValue(schema.fields[key]!, key, value);
  }
  for (const [name, spec] of Object.entries(schema.fields)) {
    if (spec.required && (!Object.hasOwn(data, name) || data[name] === undefined)) {
      throw new ValidationError(`required field is missing`, name);
    }
  }
}

/**
 * Checks a merge patch on its own: a plain JSON object whose non-null values
 * fit their fields, with no null on a required field. The merged document is
 * checked again with {@link checkData}.
 */
export function checkPatch(schema: TableSchema, patch: unknown): asserts patch is JsonObject {
  if (!isPlainObject(patch)) throw new ValidationError(`a merge patch must be a JSON object, got ${describe(patch)}`, '(root)');
  refuseSymbolData(patch, '(root)');
  for (const [key, value] of Object.entries(patch)) {
    assertJson(value, key);
    if (!Object.hasOwn(schema.fields, key)) continue;
    const spec = schema.fields[key]!;
    if (value === null) {
      if (spec.required) throw new ValidationError('required field cannot be deleted via null', key);
    } else {
      checkFieldValue(spec, key, value);
    }
  }
}

/**
 * RFC 7396 merge, shallow: keys of `patch` replace those of `doc` whole,
 * `null` deletes a key, absent keys are kept. Returns a new object.
 * @throws ValidationError for a non-object patch or a null on a required field.
 */
export function mergeShallow(schema: TableSchema, doc: JsonObject, patch: unknown): JsonObject {
  checkPatch(schema, patch);
  const merged: JsonObject = {};
  for (const [key, value] of Object.entries(doc)) setOwn(merged, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else setOwn(merged, key, value);
  }
  return merged;
}

/** Throws unless `value` (not null) has the type `spec` asks for. */
export function checkFieldValue(spec: FieldSpec, path: string, value: Json): void {
  if (value === null) {
    throw new ValidationError(
      spec.required
        ? 'required field cannot be null'
        : `${spec.type} expected, got null; leave an optional field out instead of setting it to null`,
      path,
    );
  }
  if (!hasType(spec.type, value)) throw new ValidationError(`${spec.type} expected, got ${describe(value)}`, path);
}

/** Whether a non-null JSON value has the field type `type`. */
export function hasType(type: FieldType, value: Json): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

function refuseUnknownKeys(obj: Record<string, unknown>, known: string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw new ValidationError(`unknown key ${describe(key)}; expected ${known.join(' or ')}`, `${path}.${key}`);
  }
}

/** The same error, saying which operation of a batch failed (`err.index`). Other errors pass through. */
export function withOpIndex(err: unknown, index: number): unknown {
  if (err instanceof ValidationError) return new ValidationError(err.reason, err.path, index);
  if (err instanceof NotFoundError) return new NotFoundError(`${batchOpFailed(index)}${err.message}`, index);
  if (err instanceof AmbiguousIdError) return new AmbiguousIdError(err.prefix, err.candidates, index);
  return err;
}
