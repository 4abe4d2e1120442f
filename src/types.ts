/** A JSON value: what you put is what you get back, deep-equal. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object (the shape of table rows). */
export type JsonObject = { [key: string]: Json };

/** Where a store keeps its data. */
export type StorageKind = 'opfs' | 'idb' | 'memory';

/** The module a change notice is about. */
export type ChangeModule = 'outputs' | 'globals' | 'records' | 'table' | 'streams';

/**
 * A change notice: sent after commit to every store instance of the database.
 * It carries identifiers only, never the data.
 */
export type Change = { module: ChangeModule; key: string; seq?: number; version: number };

/** An append-only record with its lineage. */
export type RecordEntry = {
  id: string;
  taskId: string;
  attempt: number;
  producer: string;
  event: Json;
  parents: string[];
  /** Position in the database-wide append order (1, 2, 3, …). */
  seq: number;
  createdAt: number;
};

/** What `records.append` takes. */
export type RecordInput = {
  taskId: string;
  attempt: number;
  producer: string;
  event: Json;
  parents?: string[];
};
