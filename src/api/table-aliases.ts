import { ValidationError } from '../shared/errors.js';
import type { ModuleContext } from './module-context.js';
import { plain } from '../shared/snapshot.js';
import { checkAliasDefinition, type Alias, type AliasDefinition } from '../shared/table-alias.js';
import { checkLimit, checkOffset } from '../shared/table-query.js';
import { isPlainObject } from '../shared/json-object.js';
import type { Row, TableSchema } from '../shared/table-schema.js';
import type { Json, JsonObject } from '../shared/types.js';
import { assertId, assertJson, describe } from '../shared/validate.js';

/**
 * Saved queries (aliases) of one table, stored in the database next to its
 * rows. Names are any non-empty strings, case-sensitive, scoped to the table.
 */
export class TableAliases<T extends object = JsonObject> {
  readonly #ctx: ModuleContext;
  readonly #table: string;
  readonly #schema: TableSchema;

  /** @internal use table.aliases */
  constructor(ctx: ModuleContext, table: string, schema: TableSchema) {
    this.#ctx = ctx;
    this.#table = table;
    this.#schema = schema;
  }

  /**
   * Saves a query under `name`. Its `where` may hold `{ $param: 'p' }`
   * placeholders for values given at run time; every one must be listed in `params`.
   * @throws AlreadyExistsError if the table has an alias of that name (the first one is kept).
   * @throws ValidationError for a filter that list() would refuse, or an undeclared placeholder.
   */
  async create(name: string, definition: AliasDefinition<T>): Promise<void> {
    definition = plain(definition);
    assertId(name, 'alias');
    const def = checkAliasDefinition(this.#schema, definition);
    await this.#ctx.batcher.call('tables.aliasCreate', this.#table, this.#schema, name, def);
  }

  /** The alias `name`; optional parts that were not given are absent. @throws NotFoundError */
  async get(name: string): Promise<Alias<T>> {
    assertId(name, 'alias');
    return (await this.#ctx.batcher.call('tables.aliasGet', this.#table, name)) as Alias<T>;
  }

  /** Every alias of the table, by name ascending. */
  async list(): Promise<Alias<T>[]> {
    return (await this.#ctx.batcher.call('tables.aliasList', this.#table)) as Alias<T>[];
  }

  /** Deletes the alias `name`. @throws NotFoundError */
  async delete(name: string): Promise<void> {
    assertId(name, 'alias');
    await this.#ctx.batcher.call('tables.aliasDelete', this.#table, name);
  }

  /**
   * Lists the rows the alias selects, with its placeholders bound from
   * `params`. `opts.limit` overrides the alias's own limit (default 100, at most 1000).
   * @throws NotFoundError for an unknown alias.
   * @throws ValidationError for a missing or undeclared parameter, or a value the field cannot be compared with.
   */
  async run(name: string, params?: Record<string, Json>, opts?: { limit?: number; offset?: number }): Promise<Row<T>[]> {
    params = plain(params);
    opts = plain(opts);
    assertId(name, 'alias');
    if (params !== undefined) {
      if (!isPlainObject(params))
        throw new ValidationError(`params must be an object of parameter values, got ${describe(params)}`, 'params');
      for (const [key, value] of Object.entries(params)) assertJson(value, `params.${key}`);
    }
    if (opts !== undefined) {
      if (!isPlainObject(opts)) throw new ValidationError(`run() options must be an object, got ${describe(opts)}`, 'opts');
      checkLimit(opts.limit, 'limit');
      checkOffset(opts.offset);
    }
    return (await this.#ctx.batcher.call(
      'tables.aliasRun',
      this.#table,
      this.#schema,
      name,
      params as JsonObject | undefined,
      opts,
    )) as Row<T>[];
  }
}
