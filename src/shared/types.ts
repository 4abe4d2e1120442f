/** A JSON value: what you put is what you get back, deep-equal. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object (the shape of table rows). */
export type JsonObject = { [key: string]: Json };

/** Who owns the database file right now. */
export type Role = 'leader' | 'follower';

/** Where a store keeps its data. */
export type StorageKind = 'opfs' | 'idb' | 'memory' | 'file' | 'durable-object';

/** The SQLite bindings a store on a file can use (Node, Deno, Bun). */
export type FileDriverName = 'node:sqlite' | 'better-sqlite3' | 'bun:sqlite';

/**
 * The part of a Cloudflare Durable Object's `ctx.storage` flowstore uses
 * (SQLite-backed objects only), so no Cloudflare types are needed to pass it.
 */
export type DurableObjectStorageLike = {
  sql: { exec(query: string, ...bindings: unknown[]): DurableObjectCursorLike };
  transactionSync<T>(fn: () => T): T;
};

/** A cursor of `ctx.storage.sql.exec()`. */
export type DurableObjectCursorLike = Iterable<Record<string, unknown>> & {
  toArray(): Record<string, unknown>[];
  readonly rowsWritten: number;
};

/** The module a change notice is about; 'database' (key 'import'): the whole database was replaced by store.import(). */
export type ChangeModule = 'outputs' | 'globals' | 'records' | 'table' | 'streams' | 'database';

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

/** How a frame was appended: kept for good, merged into the summary, or kept only until its ttl passes. */
export type FrameMode = 'durable' | 'summary' | 'best-effort';

/** One frame of a stream's log, as stored. */
export type Frame = {
  stream: string;
  attempt: number;
  /** Position in the (stream, attempt) log: 1, 2, 3, … Best-effort frames use seq numbers too. */
  seq: number;
  kind: string;
  /** A JSON value, or bytes (given back as a Uint8Array). */
  data: Json | Uint8Array;
  mode: FrameMode;
  /** Append time, epoch ms. */
  at: number;
};

/** What `streams.append` takes. */
export type FrameInput = {
  /** @default 'event' */
  kind?: string;
  data: Json | Uint8Array;
  /**
   * 'durable' frames are kept for good; 'summary' data is a JSON merge patch
   * (RFC 7396) applied to the attempt's summary document; `{ ttlMs }` is a
   * best-effort frame, hidden once `ttlMs` has passed and never returned with
   * visibility 'durable'.
   * @default 'durable'
   */
  mode?: 'durable' | 'summary' | { ttlMs: number };
};

/** Selects one attempt of a stream. */
export type StreamAttemptOptions = {
  /** @default 0 */
  attempt?: number;
};

/** Options of `streams.read`: an inclusive seq range. */
export type StreamReadOptions = StreamAttemptOptions & {
  /** First seq to return; '-' is the start. @default '-' */
  from?: number | '-';
  /** Last seq to return; '+' is the end. @default '+' */
  to?: number | '+';
  /** At most this many frames, from the low end (1–10000). @default 1000 */
  limit?: number;
};

/** Which frames a tail returns: all live ones, or only those that are never dropped. */
export type StreamVisibility = 'all' | 'durable';

/** Options of `streams.tail`. */
export type StreamTailOptions = StreamAttemptOptions & {
  /** Return frames with seq strictly greater than this (0 = all frames). */
  after: number;
  /** How long to wait for a first frame; 0 peeks without waiting. @default 0 */
  blockMs?: number;
  /** At most this many frames (1–10000). @default 1000 */
  limit?: number;
  /** @default 'all' */
  visibility?: StreamVisibility;
  /** Aborting rejects the tail with a DOMException named 'AbortError'. */
  signal?: AbortSignal;
};

/** Options of `streams.follow`. */
export type StreamFollowOptions = StreamAttemptOptions & {
  /** Start after this seq. @default 0 */
  after?: number;
  /** Aborting ends the iteration (it completes; it does not throw). */
  signal?: AbortSignal;
};

/** A page of frames; `closedAt` (epoch ms) is set once the attempt was closed. */
export type StreamPage = { frames: Frame[]; closedAt?: number };

/** An attempt's summary document: the merge of every summary frame's patch. */
export type StreamSummary = {
  doc: Json;
  /** How many summary frames were applied (1 after the first). */
  version: number;
  firstAppliedAt: number;
  lastUpdatedAt: number;
};
