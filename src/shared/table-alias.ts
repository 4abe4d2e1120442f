import { ValidationError } from './errors.js';
import { isPlainObject, setOwn } from './json-object.js';
import { checkLimit, isParam, normalizeWhere, type Param, type Where } from './table-query.js';
import type { TableSchema } from './table-schema.js';
import type { Json, JsonObject } from './types.js';
import { assertJson, assertWellFormed, describe } from './validate.js';

/** A saved query of a table, as `aliases.create` takes it. */
export type AliasDefinition<T extends object = JsonObject> = {
  where: Where<T>;
  /** Used when `run` gives none (1 to 1000). */
  limit?: number;
  description?: string;
  /** Names that `{ $param: name }` placeholders in `where` may use; `run` must bind every one. */
  params?: string[];
};

/** A saved query, as stored. Optional parts that were not given are absent. */
export type Alias<T extends object = JsonObject> = AliasDefinition<T> & { name: string };

/**
 * Checks an alias definition against the schema: a valid filter whose
 * placeholders all name declared params. Returns a clean copy.
 */
export function checkAliasDefinition(schema: TableSchema, def: unknown): AliasDefinition {
  if (!isPlainObject(def)) throw new ValidationError(`an alias definition must be an object like { where: { … } }`, 'definition');
  for (const key of Object.keys(def)) {
    if (!['where', 'limit', 'description', 'params'].includes(key)) {
      throw new ValidationError('unknown key; expected where, limit, description or params', key);
    }
  }
  if (def.where === undefined) throw new ValidationError('an alias needs a where (use {} to match every row)', 'where');
  const out: AliasDefinition = { where: {} };
  let declared: string[] | undefined;
  if (def.params !== undefined) {
    if (!Array.isArray(def.params)) throw new ValidationError('params must be a list of parameter names', 'params');
    declared = def.params.map((p: unknown, i) => {
      if (typeof p !== 'string' || p.length === 0)
        throw new ValidationError(`a parameter name must be a non-empty string, got ${describe(p)}`, `params[${i}]`);
      return p;
    });
    const dup = declared.find((p, i) => declared!.indexOf(p) !== i);
    if (dup !== undefined) throw new ValidationError(`parameter ${describe(dup)} is declared twice`, 'params');
  }
  const used = new Set<string>();
  normalizeWhere(schema, def.where, used);
  for (const name of used) {
    if (!declared?.includes(name)) {
      throw new ValidationError(`placeholder { $param: ${describe(name)} } is not declared in params`, 'where');
    }
  }
  out.where = def.where as Where;
  const limit = checkLimit(def.limit, 'limit');
  if (limit !== undefined) out.limit = limit;
  if (def.description !== undefined) {
    if (typeof def.description !== 'string')
      throw new ValidationError(`description must be a string, got ${describe(def.description)}`, 'description');
    assertWellFormed(def.description, 'description');
    out.description = def.description;
  }
  if (declared !== undefined) out.params = declared;
  return out;
}

/**
 * Replaces the placeholders of an alias's filter with `given` values. A
 * placeholder standing for a whole field condition means equality, so a
 * parameter value can never smuggle in operators.
 * @throws ValidationError for a missing or undeclared parameter.
 */
export function bindParams(where: Where, declared: string[], given: unknown): Where {
  if (given === undefined) given = {};
  if (!isPlainObject(given)) throw new ValidationError(`params must be an object of parameter values, got ${describe(given)}`, 'params');
  for (const [name, value] of Object.entries(given)) {
    if (!declared.includes(name)) {
      throw new ValidationError(
        `this alias takes no parameter ${describe(name)}; it takes ${declared.join(', ') || 'none'}`,
        `params.${name}`,
      );
    }
    assertJson(value, `params.${name}`);
  }
  for (const name of declared) {
    if (!Object.hasOwn(given, name)) throw new ValidationError('parameter is missing', `params.${name}`);
  }
  const values = given as JsonObject;
  const bind = (p: Param): Json => values[p.$param]!;
  const out: Record<string, unknown> = {};
  for (const [field, cond] of Object.entries(where)) {
    let bound: unknown = cond;
    if (isParam(cond)) bound = { eq: bind(cond) };
    else if (isPlainObject(cond)) {
      bound = Object.fromEntries(
        Object.entries(cond).map(([op, operand]) => [
          op,
          isParam(operand) ? bind(operand) : Array.isArray(operand) ? operand.map((v) => (isParam(v) ? bind(v) : v)) : operand,
        ]),
      );
    }
    setOwn(out, field, bound);
  }
  return out as Where;
}
