import { ClosedError, StorageError } from '../../shared/errors.js';
import type { OpenRequest } from '../../shared/protocol.js';
import { SQLITE_BUSY } from '../../shared/sqlite-codes.js';
import { startWorker, type WorkerHandle } from '../worker-handle.js';

/** What a take-over needs from the instance attempting it. */
export type TakeOverContext = {
  /** How long to keep trying while the files are still held. */
  deadlineMs: number;
  /** True once the instance stepped down or closed: stop trying. */
  stale(): boolean;
  /** Sees each worker while it opens (undefined once it stopped opening), so stepping down can stop it too. */
  track(handle: WorkerHandle | undefined): void;
};

/**
 * Starts a worker that opens the database. A gone leader's access handles
 * are freed by the browser shortly after it goes, so "the files are still
 * held" is retried with backoff until the deadline; every other failure is final.
 */
export async function startWorkerWithRetry(req: OpenRequest, ctx: TakeOverContext): Promise<WorkerHandle> {
  const deadline = Date.now() + ctx.deadlineMs;
  let delay = 25;
  for (;;) {
    try {
      return await startWorker(req, ctx.track);
    } catch (err) {
      if (ctx.stale() || !isPoolBusy(err) || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
      if (ctx.stale()) throw new ClosedError('This store stopped before it could take over the database.');
      delay = Math.min(delay * 2, 500);
    } finally {
      ctx.track(undefined);
    }
  }
}

function isPoolBusy(err: unknown): boolean {
  return err instanceof StorageError && err.sqliteCode === SQLITE_BUSY;
}
