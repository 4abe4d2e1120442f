import { StorageError } from '../errors.js';
import { changeChannelName, rpcChannelName, type BatchReply, type Call, type OpenReply, type OpenRequest, type RpcMessage } from '../protocol.js';
import { Engine } from './engine.js';
import { hasOpfs, openMemory, openOpfs, type OpenedDb } from './sqlite.js';

/**
 * Wraps the engine with what a host thread adds: opening storage, posting
 * change notices after commit, and answering calls forwarded by follower
 * stores of the same database. Used by the worker and in-process alike.
 */
export function createEngineHost() {
  let engine: Engine | undefined;
  let opened: OpenedDb | undefined;
  let notices: BroadcastChannel | undefined;
  let rpc: BroadcastChannel | undefined;

  function live(): Engine {
    if (!engine) throw new StorageError('The engine is not open.');
    return engine;
  }

  function exec(calls: Call[]): BatchReply {
    const reply = live().exec(calls);
    if (reply.changes.length > 0) notices?.postMessage({ type: 'changes', changes: reply.changes });
    return reply;
  }

  return {
    async open(req: OpenRequest): Promise<OpenReply> {
      let warning: string | undefined;
      if (req.storage === 'opfs' || (req.storage === 'auto' && hasOpfs())) {
        if (!hasOpfs()) throw new StorageError('OPFS is not available here (it needs a dedicated worker in a secure context); use storage "memory" or "auto".');
        opened = await openOpfs(req.name);
      } else {
        if (req.storage === 'auto') warning = `flowstore: OPFS is not available here, so database "${req.name}" is in memory and will be lost on reload.`;
        opened = await openMemory();
      }
      try {
        engine = new Engine(opened.db, opened.exportImage);
      } catch (err) {
        opened.db.close();
        opened.release();
        throw err;
      }
      notices = new BroadcastChannel(changeChannelName(req.name));
      return warning === undefined ? { storage: opened.storage } : { storage: opened.storage, warning };
    },

    exec,

    /** Starts answering calls that follower stores forward over the database's RPC channel. */
    serve(name: string, leaderId: string): void {
      rpc = new BroadcastChannel(rpcChannelName(name));
      rpc.onmessage = (event: MessageEvent<RpcMessage>) => {
        const msg = event.data;
        if (msg.type !== 'call' || msg.leaderId !== leaderId) return;
        let reply: BatchReply | { error: string };
        try {
          reply = exec(msg.calls);
        } catch (err) {
          reply = { error: (err as Error).message };
        }
        rpc?.postMessage({ type: 'reply', to: msg.from, id: msg.id, reply } satisfies RpcMessage);
      };
    },

    close(): void {
      rpc?.close();
      notices?.close();
      rpc = notices = undefined;
      engine?.close();
      opened?.release();
      engine = opened = undefined;
    },
  };
}

/** The engine host's API, as the facade sees it through comlink or in-process. */
export type EngineHost = ReturnType<typeof createEngineHost>;
