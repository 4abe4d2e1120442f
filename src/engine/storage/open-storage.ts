import { StorageError } from '../../shared/errors.js';
import type { OpenRequest } from '../../shared/protocol.js';
import { registerStore } from '../../shared/store-registry.js';
import { hasIndexedDb, openIdb } from './idb.js';
import { openMemory } from './memory.js';
import type { OpenedDb } from './opened-db.js';
import type { DumpDir } from '../dump/dump-dir.js';
import { hasOpfs, OpfsRefusedError, openOpfs } from './opfs.js';

/** Opens server storage (a file, a Durable Object); given to the host by the server entries only. */
export type ServerStorage = (req: OpenRequest) => Promise<OpenedDb>;

/** What the server entries give the in-process host: their storage, and the file system for table dumps where there is one. */
export type ServerParts = { open: ServerStorage; dumpDir?: (path: string) => DumpDir };

/**
 * Opens the storage a store asked for. 'auto' takes the best durable one this
 * thread has (OPFS, else IndexedDB images) and says so in a warning when it
 * had to fall back; it ends on memory only where neither exists, with a warning too.
 */
export async function openStorage(req: OpenRequest, server?: ServerStorage): Promise<{ db: OpenedDb; warning?: string }> {
  if (req.path !== undefined || req.durableObject !== undefined || req.storage === 'memory' || !hasIndexedDb()) return open(req, server);
  // Durable browser storage: its name is noted for listStores(), alongside the open. A failure
  // to note it costs only the listing, never the open.
  const noted = registerStore(req.name).catch(() => {});
  const opened = await open(req, server);
  await noted;
  return opened;
}

async function open(req: OpenRequest, server?: ServerStorage): Promise<{ db: OpenedDb; warning?: string }> {
  if (req.path !== undefined || req.durableObject !== undefined) {
    if (!server)
      throw new StorageError(
        'A file or Durable Object store needs flowstore\'s server build (the "node", "deno", "bun" or "workerd" export).',
      );
    return { db: await server(req) };
  }
  if (req.storage === 'opfs') {
    if (!hasOpfs())
      throw new StorageError(
        'OPFS is not available here (it needs a dedicated worker in a secure context); use storage "auto", "idb" or "memory".',
      );
    return { db: await openOpfs(req.name) };
  }
  if (req.storage === 'idb') {
    if (!hasIndexedDb()) throw new StorageError('IndexedDB is not available here; use storage "memory".');
    return { db: await openIdb(req.name) };
  }
  if (req.storage === 'memory') return { db: await openMemory() };
  let refused: OpfsRefusedError | undefined;
  if (hasOpfs()) {
    try {
      return { db: await openOpfs(req.name) };
    } catch (err) {
      // Present but refused (a private window, a WebKit build without access handles): fall back, and say why.
      if (!(err instanceof OpfsRefusedError)) throw err;
      refused = err;
    }
  }
  if (hasIndexedDb()) {
    const why = refused
      ? `the browser refuses OPFS here (${refused.reason}; in a private window it keeps no files, and clears IndexedDB when the window closes)`
      : 'OPFS is not available here';
    return {
      db: await openIdb(req.name),
      warning: `flowstore: ${why}, so database "${req.name}" is kept in IndexedDB (slower writes).`,
    };
  }
  return {
    db: await openMemory(),
    warning: `flowstore: neither OPFS nor IndexedDB is available here, so database "${req.name}" is in memory and will be lost when this process ends.`,
  };
}
