import { encodeError, StorageError, StorageFullError } from '../errors.js';
import { changeChannelName, rpcChannelName, type BatchReply, type Call, type OpenReply, type OpenRequest, type RpcMessage } from '../protocol.js';
import { Engine } from './engine.js';
import { toStoreError } from './sql-errors.js';
import { hasIndexedDb, hasOpfs, openIdb, openMemory, openOpfs, type OpenedDb } from './sqlite.js';

const SQLITE_IOERR = 10;

/**
 * Wraps the engine with what a host thread adds: opening storage, saving
 * snapshots before a write resolves, posting change notices after commit, and
 * answering calls forwarded by follower stores of the same database. Used by
 * the worker and in-process alike.
 */
export function createEngineHost() {
  let engine: Engine | undefined;
  let opened: OpenedDb | undefined;
  let request: OpenRequest | undefined;
  let notices: BroadcastChannel | undefined;
  let rpc: BroadcastChannel | undefined;
  // Batches run one after another: a snapshot save must finish before the next batch starts.
  let queue: Promise<unknown> = Promise.resolve();

  async function openStorage(req: OpenRequest): Promise<{ db: OpenedDb; warning?: string }> {
    if (req.storage === 'opfs') {
      if (!hasOpfs()) throw new StorageError('OPFS is not available here (it needs a dedicated worker in a secure context); use storage "auto", "idb" or "memory".');
      return { db: await openOpfs(req.name) };
    }
    if (req.storage === 'idb') {
      if (!hasIndexedDb()) throw new StorageError('IndexedDB is not available here; use storage "memory".');
      return { db: await openIdb(req.name) };
    }
    if (req.storage === 'memory') return { db: await openMemory() };
    if (hasOpfs()) return { db: await openOpfs(req.name) };
    if (hasIndexedDb()) {
      return { db: await openIdb(req.name), warning: `flowstore: OPFS is not available here, so database "${req.name}" is kept as IndexedDB snapshots (slower writes).` };
    }
    return { db: await openMemory(), warning: `flowstore: neither OPFS nor IndexedDB is available here, so database "${req.name}" is in memory and will be lost when this process ends.` };
  }

  async function start(req: OpenRequest): Promise<OpenReply> {
    const { db, warning } = await openStorage(req);
    try {
      engine = new Engine(db.db, db.exportImage);
    } catch (err) {
      db.db.close();
      db.release();
      throw err;
    }
    opened = db;
    request = req;
    return warning === undefined ? { storage: db.storage } : { storage: db.storage, warning };
  }

  async function runBatch(calls: Call[], callKey?: string): Promise<BatchReply> {
    if (!engine || !opened) throw new StorageError('The engine is not open.');
    let reply = engine.exec(calls, callKey);
    if (reply.changes.length > 0 && opened.persist) {
      try {
        await opened.persist();
      } catch (err) {
        reply = failBatch(calls, err);
        // The in-memory copy is ahead of the saved one: go back to what is saved.
        engine.close();
        await start(request!);
      }
    }
    if (reply.outcomes.some((o) => !o.ok && o.error.code === 'STORAGE' && isIoError(o.error.fields?.sqliteCode))) {
      reply = await explainIoErrors(reply);
    }
    if (reply.changes.length > 0) notices?.postMessage({ type: 'changes', changes: reply.changes });
    return reply;
  }

  function exec(calls: Call[], callKey?: string): Promise<BatchReply> {
    const run = queue.then(() => runBatch(calls, callKey));
    queue = run.catch(() => {});
    return run;
  }

  return {
    async open(req: OpenRequest): Promise<OpenReply> {
      const reply = await start(req);
      notices = new BroadcastChannel(changeChannelName(req.name));
      return reply;
    },

    /**
     * Runs a batch of calls. `callKey` (for calls that may be retried after a
     * hand-over) makes the batch apply once: a retry gets the first reply.
     */
    exec,

    /** Starts answering calls that follower stores forward over the database's RPC channel. */
    serve(name: string, leaderId: string): void {
      rpc = new BroadcastChannel(rpcChannelName(name));
      rpc.onmessage = async (event: MessageEvent<RpcMessage>) => {
        const msg = event.data;
        if (msg.type !== 'call' || msg.leaderId !== leaderId) return;
        let reply: BatchReply | { error: string };
        try {
          // Same key as the follower would use if it became leader and retried the call itself.
          reply = await exec(msg.calls, `${msg.from}:${msg.id}`);
        } catch (err) {
          reply = { error: (err as Error).message };
        }
        rpc?.postMessage({ type: 'reply', to: msg.from, id: msg.id, reply } satisfies RpcMessage);
      };
    },

    async close(): Promise<void> {
      await queue;
      rpc?.close();
      notices?.close();
      rpc = notices = undefined;
      engine?.close();
      opened?.release();
      engine = opened = undefined;
    },
  };
}

function isIoError(code: unknown): boolean {
  return typeof code === 'number' && (code & 0xff) === SQLITE_IOERR;
}

/** Every write of a batch whose snapshot could not be saved fails with the save's error. */
function failBatch(calls: Call[], err: unknown): BatchReply {
  const error = encodeError(toStoreError(err));
  return { outcomes: calls.map(() => ({ ok: false as const, error })), changes: [] };
}

/**
 * OPFS reports a refused write as a generic I/O error. When the origin is at
 * its quota, say so: that is what the caller can act on.
 */
async function explainIoErrors(reply: BatchReply): Promise<BatchReply> {
  const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
  if (!estimate?.quota || estimate.usage === undefined) return reply;
  const free = estimate.quota - estimate.usage;
  if (free > 1024 * 1024) return reply;
  const full = encodeError(
    new StorageFullError(
      `The browser's storage quota for this site is used up (${estimate.usage} of ${estimate.quota} bytes), so the write was not made. Earlier data is intact; free space or ask for persistent storage (navigator.storage.persist()).`,
    ),
  );
  return {
    ...reply,
    outcomes: reply.outcomes.map((o) => (!o.ok && o.error.code === 'STORAGE' && isIoError(o.error.fields?.sqliteCode) ? { ok: false, error: full } : o)),
  };
}

/** The engine host's API, as the facade sees it through comlink or in-process. */
export type EngineHost = ReturnType<typeof createEngineHost>;
