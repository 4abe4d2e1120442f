import { ElectedConnection } from './leader/elected-connection.js';
import { StorageError } from '../shared/errors.js';
import { leaderLockName, type OpenRequest } from '../shared/protocol.js';
import type { Connection, ConnectionOptions } from './connection.js';
import { warnOnce } from './warn-once.js';
import { startWorker, stopWorker } from './worker-handle.js';

/** Opens the connection that fits the options and the platform. */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  if (options.path !== undefined || options.durableObject !== undefined) return openInProcess(options);
  if (options.storage === 'memory') return options.worker ? openWorker(options) : openInProcess(options);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (options.worker) {
    if (locks) return ElectedConnection.open(options);
    // Without Web Locks (insecure origins) tabs cannot agree on one owner: two snapshot copies would lose writes.
    if (options.storage !== 'auto')
      throw new StorageError(
        `Storage "${options.storage}" needs the Web Locks API, which this page lacks (it needs a secure context: https or localhost).`,
      );
    return openWorker(
      { ...options, storage: 'memory' },
      `flowstore: this page has no Web Locks (not a secure context), so database "${options.name}" is in memory and will be lost on reload.`,
    );
  }
  return openInProcess(options, locks);
}

/**
 * Runs the engine on this thread (Node, edge runtimes, tests). A persistent
 * database in a browser page is held with a Web Lock: only one instance at a
 * time may keep a copy, or their snapshots would overwrite each other.
 */
async function openInProcess(options: ConnectionOptions, locks?: LockManager): Promise<Connection> {
  const { createEngineHost } = await import('../engine/engine-host.js');
  const server = options.server ? await options.server() : undefined;
  const { worker: _w, leaderTimeoutMs: _t, server: _s, notify, dumpError, ...req } = options;
  const release = locks && typeof indexedDB !== 'undefined' && req.storage !== 'memory' ? await holdLock(locks, req.name) : () => {};
  const host = createEngineHost({ server, ...(notify && { notify }), ...(dumpError && { dumpError }) });
  let reply;
  try {
    reply = await host.open(req);
  } catch (err) {
    release();
    throw err;
  }
  warnOnce(reply);
  return {
    storage: reply.storage,
    role: 'leader',
    send: async (calls) => host.exec(calls),
    onRoleChange: () => () => {},
    close: async () => {
      await host.close();
      release();
    },
    crash: async () => release(),
  };
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

/** A private worker that owns a volatile database (storage 'memory'). */
async function openWorker(req: OpenRequest, warning?: string): Promise<Connection> {
  const handle = await startWorker(req);
  warnOnce(warning === undefined ? handle.reply : { ...handle.reply, warning });
  return {
    storage: handle.reply.storage,
    role: 'leader',
    send: (calls) => handle.exec(calls),
    onRoleChange: () => () => {},
    close: () => stopWorker(handle),
    crash: async () => handle.terminate(),
  };
}
