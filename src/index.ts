export { openStore, Store } from './store.js';
export type { StoreOptions } from './store.js';
export type { Role } from './connection.js';
export { Outputs } from './outputs.js';
export { Globals } from './globals.js';
export { Records } from './records.js';
export { Streams } from './streams.js';
export { Table } from './table.js';
export { TableAliases } from './table-aliases.js';
export type { BatchOp, FieldSpec, FieldType, Patch, Row, TableSchema, UpdateMode } from './table-schema.js';
export type { Alias, AliasDefinition, Condition, ListQuery, Operators, Param, Where } from './table-query.js';
export {
  StoreError,
  AlreadyExistsError,
  NotFoundError,
  ValidationError,
  AmbiguousIdError,
  StorageFullError,
  ClosedError,
  StorageError,
  TimeoutError,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export type * from './types.js';
