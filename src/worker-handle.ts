import { wrap, type Remote } from 'comlink';
import { installErrorCodec } from './comlink-errors.js';
import { StorageError } from './errors.js';
import type { BatchReply, Call, OpenReply, OpenRequest } from './protocol.js';
import type { EngineHost } from './worker/host.js';

/** A started worker. Every call to it rejects (never hangs) if the worker dies or is stopped. */
export class WorkerHandle {
  readonly remote: Remote<EngineHost>;
  readonly worker: Worker;
  reply!: OpenReply;
  readonly #dead: Promise<never>;
  #kill!: (err: Error) => void;

  constructor(req: OpenRequest) {
    this.worker = new Worker(new URL('./worker/db.worker.js', import.meta.url), { type: 'module', name: `flowstore:${req.name}` });
    this.remote = wrap<EngineHost>(this.worker);
    this.#dead = new Promise<never>((_, reject) => (this.#kill = reject));
    this.#dead.catch(() => {});
    this.worker.addEventListener('error', (event) => {
      this.#kill(new StorageError(`The database worker failed: ${event.message || 'it stopped unexpectedly'}. Open the store again.`));
    });
  }

  async open(req: OpenRequest): Promise<void> {
    this.reply = await this.#alive(this.remote.open(req));
  }

  exec(calls: Call[], callKey?: string): Promise<BatchReply> {
    return this.#alive(this.remote.exec(calls, callKey));
  }

  serve(name: string, leaderId: string): Promise<void> {
    return this.#alive(this.remote.serve(name, leaderId));
  }

  close(): Promise<void> {
    return this.#alive(this.remote.close());
  }

  /** Stops the worker at once; calls in flight reject. */
  terminate(): void {
    this.worker.terminate();
    this.#kill(new StorageError('The database worker was stopped before it answered; the call may or may not have been applied.'));
  }

  #alive<T>(answer: Promise<T>): Promise<T> {
    return Promise.race([answer, this.#dead]);
  }
}

/** Starts a worker and opens the database in it; `track` sees the worker before it is open. */
export async function startWorker(req: OpenRequest, track?: (handle: WorkerHandle) => void): Promise<WorkerHandle> {
  installErrorCodec();
  const handle = new WorkerHandle(req);
  track?.(handle);
  try {
    await handle.open(req);
    return handle;
  } catch (err) {
    handle.terminate();
    throw err;
  }
}

export async function stopWorker(handle: WorkerHandle): Promise<void> {
  try {
    await handle.close();
  } finally {
    handle.terminate();
  }
}

