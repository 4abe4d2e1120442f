export { openStore, Store } from './store.js';
export type { StoreOptions } from './store.js';
export type { Role } from './connection.js';
export { Outputs } from './outputs.js';
export { Globals } from './globals.js';
export { Records } from './records.js';
export { Streams } from './streams.js';
export { Table, TableAliases } from './table.js';
export type { Alias, AliasDefinition, BatchOp, Condition, FieldSpec, FieldType, ListQuery, Operators, Param, Patch, Row, TableSchema, UpdateMode, Where } from './table.js';
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
