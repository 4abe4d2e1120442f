import type { Store } from './store.js';
import type { JsonObject } from './types.js';

/** A table's schema. */
export type TableSchema = {
  fields: Record<string, { type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array'; required?: boolean }>;
};

/** Schema-checked rows of one named table. */
export class Table<T extends JsonObject = JsonObject> {
  readonly name: string;
  readonly #store: Store;
  readonly #schema: TableSchema;

  /** @internal use store.table() */
  constructor(store: Store, name: string, schema: TableSchema) {
    this.#store = store;
    this.name = name;
    this.#schema = schema;
  }

  /** @internal */
  get internals(): { store: Store; schema: TableSchema; sample?: T } {
    return { store: this.#store, schema: this.#schema };
  }
}

/** Opens table `name` with `schema` on `store`. */
export async function openTable<T extends JsonObject>(store: Store, name: string, schema: TableSchema): Promise<Table<T>> {
  return new Table<T>(store, name, schema);
}
