import { leaderLockName, rpcChannelName, type RpcMessage } from '../shared/protocol.js';
import { StorageError } from '../shared/errors.js';
import type { Connection, ConnectionOptions } from './connection.js';
import { warnOnce } from './warn-once.js';

/**
 * Runs the engine on this thread (Node, edge runtimes, tests). A persistent
 * database in a browser page is held with a Web Lock: only one instance at a
 * time may keep a copy, or their snapshots would overwrite each other.
 */
export async function openInProcess(options: ConnectionOptions, locks?: LockManager): Promise<Connection> {
  const { createEngineHost } = await import('../engine/engine-host.js');
  const server = options.server ? await options.server() : undefined;
  const { worker: _w, leaderTimeoutMs: _t, server: _s, inProcess: _i, workerUrl: _u, notify, dumpError, ...req } = options;
  const locked = locks !== undefined && typeof indexedDB !== 'undefined' && req.storage !== 'memory';
  const release = locked ? await holdLock(locks, req.name) : () => {};
  const ended = new Set<() => void>();
  const end = () => {
    for (const listener of [...ended]) listener();
  };
  // A file store of this process is ended by deleteStore() through the host; a browser database through its channel.
  const host = createEngineHost({ server, ended: end, ...(notify && { notify }), ...(dumpError && { dumpError }) });
  let reply;
  try {
    reply = await host.open(req);
  } catch (err) {
    release();
    throw err;
  }
  warnOnce(reply);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopListening();
      await host.close();
      release();
    })());
  const stopListening = locked
    ? onDeleting(req.name, () => {
        end();
        void close();
      })
    : () => {};
  return {
    storage: reply.storage,
    role: 'leader',
    send: async (calls) => host.exec(calls),
    onRoleChange: () => () => {},
    onEnded: (listener) => {
      ended.add(listener);
      return () => ended.delete(listener);
    },
    close,
    crash: async () => {
      stopListening();
      release();
    },
  };
}

/** Calls `listener` when deleteStore() announces it is deleting database `name`; returns the function that stops listening. */
function onDeleting(name: string, listener: () => void): () => void {
  const channel = new BroadcastChannel(rpcChannelName(name));
  channel.onmessage = (event: MessageEvent<RpcMessage>) => {
    if (event.data?.type === 'deleting') listener();
  };
  return () => channel.close();
}

async function holdLock(locks: LockManager, name: string): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const got = await new Promise<boolean>((resolve, reject) => {
    locks
      .request(leaderLockName(name), { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock ? held : undefined;
      })
      .catch(reject);
  });
  if (!got)
    throw new StorageError(
      `Database "${name}" is open in another tab or store; with worker: false only one instance at a time may open it. Use the default worker mode to share it.`,
    );
  return release;
}
