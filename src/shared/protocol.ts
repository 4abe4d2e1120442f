export type { ChangeNotice } from './change-notice.js';
import type { WireError } from './errors.js';
import type { ChangeNotice } from './change-notice.js';
import type { DurableObjectStorageLike, FileDriverName, StorageKind } from './types.js';
import type { Ops } from '../engine/ops/index.js';

/** Names of the engine's operations (`'outputs.put'`, …). */
export type OpName = keyof Ops;

/** The arguments an operation takes over the wire (its handler's, minus the transaction). */
export type OpArgs<K extends OpName> = Ops[K] extends (tx: never, ...args: infer A) => unknown ? A : never;

/** What an operation returns. */
export type OpResult<K extends OpName> = Ops[K] extends (...args: never[]) => infer R ? R : never;

/** One call, as it travels to the engine. Calls made in one tick travel together. */
export type Call = { op: OpName; args: unknown[] };

/** The outcome of one call: each call keeps its own result and its own error. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: WireError };

/**
 * What the engine answers for a batch of calls: outcomes for the callers,
 * notices for everyone, and the engine's committed version once the batch
 * ran. A batch of reads only saw exactly the state of that version (the
 * engine runs one batch at a time), which is what live queries build on.
 */
export type BatchReply = { outcomes: Outcome[]; changes: ChangeNotice[]; version?: number };

/** What a batch's callers get back: the notices travel on the change channel, not in the answer. */
export type BatchAnswer = { outcomes: Outcome[]; version?: number };

/**
 * How a store is opened, as the engine host sees it. `path` and
 * `durableObject` (server storage) never travel to a worker: stores on them run in-process.
 */
export type OpenRequest = {
  name: string;
  storage: 'auto' | StorageKind;
  path?: string;
  driver?: FileDriverName;
  durableObject?: DurableObjectStorageLike;
  /** Page side only (never sent to the worker): where the database worker's script is, if not beside flowstore's code. */
  workerUrl?: string;
};

/** What the engine host reports after opening. */
export type OpenReply = { storage: StorageKind; warning?: string };

/** The name of the BroadcastChannel that carries a database's change notices. */
export function changeChannelName(dbName: string): string {
  return `flowstore:changes:${dbName}`;
}

/** The name of the BroadcastChannel that carries calls forwarded to the leader. */
export function rpcChannelName(dbName: string): string {
  return `flowstore:rpc:${dbName}`;
}

/**
 * The key of a call that may be retried after a hand-over: the engine keeps
 * its reply under it, so a retry is answered, not applied again.
 */
export function callKey(instanceId: string, callId: number): string {
  return `${instanceId}:${callId}`;
}

/** Messages on the RPC channel between follower stores and the leader. */
export type RpcMessage =
  | { type: 'call'; leaderId: string; from: string; id: number; calls: Call[] }
  | { type: 'reply'; to: string; id: number; reply: BatchAnswer | { error: WireError } }
  | { type: 'leader'; leaderId: string; storage: StorageKind }
  | { type: 'who-leads' }
  /** deleteStore() is about to delete the database: every instance closes, the leader gives the files back. */
  | { type: 'deleting' }
  /**
   * A live query's reads, for the leader's engine to answer with each commit
   * that touches them (see WatchAnswer): `rev` grows whenever the reads change.
   */
  | { type: 'watch'; leaderId: string; owner: string; watch: string; rev: number; calls: Call[] }
  | { type: 'unwatch'; leaderId: string; watch: string };

/**
 * A watched live query's reads, answered by the engine right after the
 * commit a notice announces, at that commit's version: the query's next run
 * needs no read back for them. Outcomes are in the order of the watch's calls.
 */
export type WatchAnswer = { watch: string; rev: number; version: number; outcomes: Outcome[] };

/** A message on the change channel. */
export type ChangeMessage =
  { type: 'changes'; changes: ChangeNotice[]; answers?: WatchAnswer[] } | { type: 'dump-error'; error: WireError };

/**
 * The Web Lock a store instance holds while it is open: the browser frees it
 * when the instance closes or its tab dies, which tells the leader's worker
 * to forget that instance's watched reads.
 */
export function instanceLockName(dbName: string, instanceId: string): string {
  return `flowstore:instance:${dbName}:${instanceId}`;
}

/** The Web Lock whose holder owns the database (the leader). */
export function leaderLockName(dbName: string): string {
  return `flowstore:leader:${dbName}`;
}

/**
 * A batch sent to the worker as a plain message on the worker's own port
 * (`exec` is its number). comlink carries the rare control calls on the same
 * port: its side in the page ignores messages without its string `id`, but
 * its side in the worker answers every message, so db.worker.ts takes these
 * first and stops them there.
 */
export type ExecRequest = { exec: number; calls: Call[]; callKey?: string };

/** The worker's answer to an ExecRequest. */
export type ExecResponse = { exec: number; reply: BatchAnswer } | { exec: number; error: WireError };

function isExec(data: unknown): data is { exec: number } {
  return typeof data === 'object' && data !== null && typeof (data as { exec?: unknown }).exec === 'number';
}

export function isExecRequest(data: unknown): data is ExecRequest {
  return isExec(data) && 'calls' in data && Array.isArray(data.calls) && data.calls.every(isCall);
}

/** Whether `call` has the shape of a Call (its arguments are checked by the engine). */
export function isCall(call: unknown): call is Call {
  return typeof call === 'object' && call !== null && typeof (call as Call).op === 'string' && Array.isArray((call as Call).args);
}

export function isExecResponse(data: unknown): data is ExecResponse {
  return isExec(data) && ('reply' in data || 'error' in data);
}
