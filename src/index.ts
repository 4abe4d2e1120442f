export { openStore, Store } from './store.js';
export { deleteStore, listStores } from './client/delete-store.js';
export type { DeleteStoreOptions, ListStoresOptions } from './client/delete-store.js';
export type { StoreOptions } from './store.js';
export type { ImageSource } from './api/image-bytes.js';
export { Outputs } from './api/outputs.js';
export { Globals } from './api/globals.js';
export { Records } from './api/records.js';
export { Streams } from './api/streams.js';
export { Table } from './api/table.js';
export { TableAliases } from './api/table-aliases.js';
export { LiveQuery } from './api/live/live-query.js';
export type { LiveObserver, LiveValue } from './api/live/live-query.js';
export type { BatchOp, FieldSpec, FieldType, Patch, Row, TableSchema, UpdateMode } from './shared/table-schema.js';
export type { DirectoryHandle, DumpOptions } from './shared/table-dump.js';
export type { Alias, AliasDefinition } from './shared/table-alias.js';
export type { Condition, ListQuery, Operators, Param, Where } from './shared/table-query.js';
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
  DumpError,
} from './shared/errors.js';
export type { ErrorCode } from './shared/errors.js';
export type * from './shared/types.js';
