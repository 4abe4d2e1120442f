// Starts flowstore's database worker. It sits at the package root, and the
// `new Worker(new URL('./worker/db.worker.js', import.meta.url), { type: 'module' })`
// form is written out once and in full, because that is what Vite and webpack
// recognise to bundle the worker and its wasm (a second `new URL` of the same
// file would make them emit it again as a plain asset). Bundlers that leave it
// alone (esbuild, Rollup) keep the URL relative to their bundle.
import { StorageError } from './shared/errors.js';

/** A started worker and the URL it was started from, for error messages. */
export type StartedWorker = { worker: Worker; url: string };

/**
 * Starts the worker from `workerUrl` (absolute) if given, else from `worker/db.worker.js`
 * beside this module or the bundle it is in.
 * @throws StorageError if the browser refuses the URL (another origin, a bad scheme).
 */
export function createDatabaseWorker(name: string, workerUrl?: string): StartedWorker {
  if (workerUrl !== undefined) {
    try {
      return { worker: new Worker(workerUrl, { type: 'module', name: `flowstore:${name}` }), url: workerUrl };
    } catch (err) {
      throw new StorageError(`flowstore's database worker cannot be started from workerUrl ${workerUrl}: ${String(err)}`, { cause: err });
    }
  }
  const worker = new Worker(new URL('./worker/db.worker.js', import.meta.url), { type: 'module', name: `flowstore:${name}` });
  // What the URL above resolves to unbundled, or when a bundler leaves it as written.
  return { worker, url: `${import.meta.url.replace(/[?#].*$/, '').replace(/[^/]*$/, '')}worker/db.worker.js` };
}
