import type { OpenRequest } from '../../shared/protocol.js';
import type { OpenedDb } from './opened-db.js';
export { nodeDumpDir } from '../dump/node-dir.js';

/**
 * Server storage for Node, Deno and Bun: a file, or a Durable Object's
 * storage. Each driver loads only when asked for, so a runtime never loads a
 * binding it does not have.
 */
export async function openServerStorage(req: OpenRequest): Promise<OpenedDb> {
  if (req.durableObject) {
    const { openDurableObject } = await import('./durable-object.js');
    return openDurableObject(req.durableObject);
  }
  const { openFile } = await import('./file.js');
  return openFile(req.path!, req.driver);
}
