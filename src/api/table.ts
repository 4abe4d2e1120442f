import type { ModuleContext } from './module-context.js';
import { TableAliases } from './table-aliases.js';
import { LiveQuery } from './live/live-query.js';
import { normalizeQuery, normalizeWhere, type ListQuery, type Where } from '../shared/table-query.js';
import {
  assertTableName,
  checkData,
  checkPatch,
  checkSchema,
  withOpIndex,
  type BatchOp,
  type Patch,
  type Row,
  type TableSchema,
  type UpdateMode,
} from '../shared/table-schema.js';
import { owned, plain } from '../shared/snapshot.js';
import { checkDump } from '../shared/table-dump.js';
import { fileSystemDirectory } from '../shared/dump-handles.js';
import { loadDumpHandle } from '../shared/dump-handles.js';
import { assertOpList, checkBatchOp, updateModeOf } from '../shared/table-ops.js';
import type { JsonObject } from '../shared/types.js';
import { assertId } from '../shared/validate.js';
import { snapshotArgs } from '../shared/snapshot.js';

/**
 * Schema-checked rows of one named table. Every method that takes an id also
 * takes a unique prefix of one (case-sensitive): no match is a NotFoundError,
 * two or more an AmbiguousIdError listing every candidate.
 *
 * Schemas and old rows: opening a table again with a different schema works
 * for new writes (creates, replaces and merged documents are checked against
 * the schema this Table was opened with), but existing rows are not rewritten
 * or re-checked: they come back as they were stored, and a merge into one
 * must leave the whole row valid under the new schema. Indexes named by a
 * schema are created if missing; indexes of earlier schemas are kept.
 */
export class Table<T extends object = JsonObject> {
  readonly name: string;
  /** Saved queries of this table. */
  readonly aliases: TableAliases<T>;
  readonly #ctx: ModuleContext;
  readonly #schema: TableSchema;
  readonly #dbName: string | undefined;

  /** @internal use store.table() */
  constructor(ctx: ModuleContext, name: string, schema: TableSchema, dbName?: string) {
    this.#ctx = ctx;
    this.name = name;
    this.#schema = schema;
    this.#dbName = dbName;
    this.aliases = new TableAliases<T>(ctx, name, schema);
  }

  /**
   * Stores a new row durably and returns it: a fresh UUID v4 id, and
   * createdAt = updatedAt = now (epoch ms).
   * @throws ValidationError naming the field if `data` does not fit the schema; nothing is written.
   */
  create(data: T): Promise<Row<T>> {
    let row: JsonObject;
    try {
      row = plain(data) as JsonObject;
      checkData(this.#schema, row);
    } catch (err) {
      return Promise.reject(err);
    }
    // The call's own promise, and the snapshot just checked travels as it is: no second
    // promise and no second copy per create (10,000 concurrent creates make 10,000 of each).
    return this.#ctx.batcher.callOwned('tables.create', this.name, this.#schema, row) as Promise<Row<T>>;
  }

  /** The row with this id or unique id prefix. @throws NotFoundError @throws AmbiguousIdError */
  async get(idOrPrefix: string): Promise<Row<T>> {
    assertId(idOrPrefix, 'id');
    return (await this.#ctx.batcher.call('tables.get', this.name, idOrPrefix)) as Row<T>;
  }

  /**
   * A page of rows matching `where`, newest first by default; rows created in
   * the same millisecond keep their insertion order. Filtering and sorting
   * run in SQLite, on an index where the schema declares one.
   * @throws ValidationError for an unknown field or operator, an operand of
   *   the wrong type, a limit that is not a whole number from 1 to 1000
   *   (0, negative and larger limits are refused, not clamped), or a negative offset.
   */
  async list(query?: ListQuery<T>): Promise<Row<T>[]> {
    query = plain(query);
    normalizeQuery(this.#schema, query);
    return (await this.#ctx.batcher.call('tables.list', this.name, this.#schema, query)) as Row<T>[];
  }

  /** How many rows match `where` (all rows without it). @throws ValidationError as for list() */
  async count(where?: Where<T>): Promise<number> {
    where = plain(where);
    normalizeWhere(this.#schema, where);
    return this.#ctx.batcher.call('tables.count', this.name, this.#schema, where);
  }

  /**
   * Changes a row and returns it as stored; updatedAt strictly increases on
   * every update, createdAt is kept. By default `patch` is an RFC 7396 merge,
   * shallow: absent fields are kept, null deletes an optional field, nested
   * objects are replaced whole, and the merged row must fit the schema. With
   * `mode: 'replace'` the data replaces the old row entirely.
   * @throws NotFoundError @throws AmbiguousIdError
   * @throws ValidationError for a patch that is not an object (path "(root)"),
   *   a null on a required field, or a result that does not fit the schema; nothing is written.
   */
  update(idOrPrefix: string, patch: Patch<T>, opts?: { mode?: 'merge' }): Promise<Row<T>>;
  update(idOrPrefix: string, data: T, opts: { mode: 'replace' }): Promise<Row<T>>;
  update(idOrPrefix: string, patch: Patch<T> | T, opts?: { mode?: UpdateMode }): Promise<Row<T>> {
    let change: JsonObject;
    let mode: UpdateMode;
    try {
      change = plain(patch) as JsonObject;
      const options = plain(opts);
      assertId(idOrPrefix, 'id');
      mode = updateModeOf(options);
      checkChange(this.#schema, change, mode);
    } catch (err) {
      return Promise.reject(err);
    }
    // As create(): the call's own promise, and the checked snapshot travels as it is.
    return this.#ctx.batcher.callOwned('tables.update', this.name, this.#schema, idOrPrefix, change, mode) as Promise<Row<T>>;
  }

  /** Deletes a row. @throws NotFoundError (also for a row already deleted) @throws AmbiguousIdError */
  delete(idOrPrefix: string): Promise<void> {
    try {
      assertId(idOrPrefix, 'id');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#ctx.batcher.call('tables.delete', this.name, idOrPrefix);
  }

  /**
   * `list(query)`, kept current (see LiveQuery): it runs again only after a
   * committed write to this table's rows, from any tab.
   * @throws ValidationError at once for a query that list() would refuse.
   */
  live(query?: ListQuery<T>): LiveQuery<Row<T>[]> {
    normalizeQuery(this.#schema, query);
    // Taken now: a query object changed later must not change what later runs ask.
    const [q] = snapshotArgs([query]) as [ListQuery<T> | undefined];
    return new LiveQuery(this.#ctx, (ctx) => new Table<T>(ctx, this.name, this.#schema).list(q));
  }

  /**
   * Writes every Markdown file of this table's dump that is behind (after a
   * DumpError: permission revoked, disk full, a file in the way), as opening
   * the store does. For a picked folder it first asks the browser for write
   * access again, which the browser allows only during a user gesture: call
   * it from a click. Resolves once the files were written; those that still
   * fail are reported to store.onDumpError as before.
   * @returns false if the table has no dump.
   */
  async reconcileDump(): Promise<boolean> {
    const kept = this.#dbName === undefined ? undefined : await loadDumpHandle(this.#dbName, this.name).catch(() => undefined);
    if (kept) await askWriteAccess(this.#ctx, kept);
    return this.#ctx.batcher.call('tables.dumpReconcile', this.name);
  }

  /**
   * Applies creates, updates and deletes in order, atomically: if any fails,
   * none is applied and the error (ValidationError, NotFoundError or
   * AmbiguousIdError) carries the failing operation's `index`. Resolves with
   * one result per operation: the row, or null for a delete.
   */
  async batch(ops: BatchOp<T>[]): Promise<Array<Row<T> | null>> {
    ops = plain(ops);
    assertOpList(ops);
    ops.forEach((op: unknown, i) => {
      try {
        const checked = checkBatchOp(op);
        if (checked.op === 'create') checkData(this.#schema, checked.data);
        else if (checked.op === 'update') checkChange(this.#schema, checked.patch, checked.mode);
      } catch (err) {
        throw withOpIndex(err, i);
      }
    });
    if (ops.length === 0) return [];
    // The checked snapshot as it is: a second copy of 10,000 rows would cost ≈ 0.5 µs a row.
    return (await this.#ctx.batcher.callOwned('tables.batch', this.name, this.#schema, ops as BatchOp[])) as Array<Row<T> | null>;
  }
}

function checkChange(schema: TableSchema, patch: unknown, mode: UpdateMode): void {
  if (mode === 'replace') checkData(schema, patch);
  else checkPatch(schema, patch);
}

/**
 * Opens table `name`: checks the name and schema, creates the table and the
 * schema's indexes if missing, and records its dump if it has one; resolves
 * with the checked schema (without the dump, which is the table's, not each call's).
 * @throws ValidationError for a name that is not a plain identifier or a malformed schema.
 */
export async function openSchema(ctx: ModuleContext, name: string, schema: TableSchema): Promise<TableSchema> {
  schema = plain(schema);
  assertTableName(name);
  // Every call of the table carries it: marked so that the batcher does not copy it for each.
  const clean = owned(checkSchema(schema));
  if (schema.dump === undefined) {
    await ctx.batcher.call('tables.open', name, clean);
    return clean;
  }
  const dump = checkDump(clean.fields, schema.dump);
  if (dump.sync === 'bidirectional') {
    warnOnce(
      ctx.feed,
      `flowstore: table ${name} asks for sync 'bidirectional', which is not built yet: its Markdown files are written from its rows only ('write-only'), and edits made in them are not read back.`,
    );
  }
  const handle = fileSystemDirectory(dump.dir);
  if (handle) await askWriteAccess(ctx, handle);
  // As given: the engine checks it again and fills in the same defaults.
  await ctx.batcher.call('tables.open', name, clean, schema.dump);
  return clean;
}

// Once per store: a live query opens its tables again on every run.
const warned = new WeakMap<object, Set<string>>();
function warnOnce(store: object, message: string): void {
  let seen = warned.get(store);
  if (!seen) warned.set(store, (seen = new Set()));
  if (seen.has(message)) return;
  seen.add(message);
  console.warn(message);
}

/**
 * A picked folder may have lost its permission (a new session): ask again,
 * which the browser allows only during a user gesture. Without it the table
 * still opens, and its files are reported behind (DumpError) until permission is back.
 */
async function askWriteAccess(ctx: ModuleContext, dir: FileSystemDirectoryHandle): Promise<void> {
  const handle = dir as FileSystemDirectoryHandle & {
    queryPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
    requestPermission?(d: { mode: 'readwrite' }): Promise<PermissionState>;
  };
  try {
    if ((await handle.queryPermission?.({ mode: 'readwrite' })) === 'prompt') await handle.requestPermission?.({ mode: 'readwrite' });
  } catch (err) {
    warnOnce(
      ctx.feed,
      `flowstore: could not ask for write access to the folder "${dir.name}" (${(err as Error)?.message ?? String(err)}); open the table from a click or other user gesture so the browser can ask.`,
    );
  }
}
