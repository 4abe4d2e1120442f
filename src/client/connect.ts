import { ElectedConnection } from './leader/elected-connection.js';
import { StorageError, ValidationError } from '../shared/errors.js';
import type { OpenRequest } from '../shared/protocol.js';
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

/** Runs the engine on this thread, if the entry the store was opened from carries it. */
async function openInProcess(options: ConnectionOptions, locks?: LockManager): Promise<Connection> {
  if (!options.inProcess) {
    throw new ValidationError(
      "worker: false runs SQLite on this thread, which flowstore's browser build leaves out so that pages never download it: import { openStore } from 'flowstore/in-process' for that",
      'worker',
    );
  }
  return (await options.inProcess())(options, locks);
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
    // A private in-memory database: deleteStore() has nothing of it to delete.
    onEnded: () => () => {},
    close: () => stopWorker(handle),
    crash: async () => handle.terminate(),
  };
}
