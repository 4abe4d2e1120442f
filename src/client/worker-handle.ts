import { wrap, type Remote } from 'comlink';
import { createDatabaseWorker } from '../create-worker.js';
import { unwrap } from '../shared/envelope.js';
import { decodeError, StorageError } from '../shared/errors.js';
import {
  isExecResponse,
  type BatchAnswer,
  type Call,
  type ExecRequest,
  type OpenReply,
  type OpenRequest,
  type Outcome,
} from '../shared/protocol.js';

/** The worker's control calls, each answered in flowstore's own envelope (see shared/envelope.ts). */
export type WorkerControl = {
  open(req: OpenRequest): Promise<Outcome>;
  serve(name: string, leaderId: string): Promise<Outcome>;
  close(): Promise<Outcome>;
};

/** A started worker. Every call to it rejects (never hangs) if the worker dies or is stopped. */
export class WorkerHandle {
  readonly remote: Remote<WorkerControl>;
  readonly worker: Worker;
  reply!: OpenReply;
  #open = false;
  /** Whether the worker has answered a call: it loaded and runs. */
  #answered = false;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (reply: BatchAnswer) => void; reject: (err: unknown) => void }>();
  readonly #dead: Promise<never>;
  /** Rejects when the worker fails or is stopped. */
  get dead(): Promise<never> {
    return this.#dead;
  }
  readonly #kill: (err: Error) => void;

  constructor(req: OpenRequest) {
    const { worker, url } = createDatabaseWorker(req.name, req.workerUrl);
    this.worker = worker;
    this.remote = wrap<WorkerControl>(this.worker);
    let reject!: (err: Error) => void;
    this.#dead = new Promise<never>((_, r) => (reject = r));
    this.#dead.catch(() => {});
    this.#kill = (err) => {
      reject(err);
      // Batches in flight are not raced against #dead (that would leave one reaction
      // per call on a promise that lives as long as the worker): fail them here.
      for (const pending of this.#pending.values()) pending.reject(err);
      this.#pending.clear();
    };
    this.worker.addEventListener('error', (event: Event) => {
      const message = (event as Partial<ErrorEvent>).message;
      // A worker that fails before it ever answered did not load: its script is missing or is not flowstore's worker.
      this.#kill(
        new StorageError(
          this.#answered
            ? `The database worker failed: ${message || 'it stopped unexpectedly'}. Open the store again.`
            : notLoaded(url, message),
        ),
      );
    });
  }

  async open(req: OpenRequest): Promise<void> {
    // Only what a worker can open travels: callers may hand over a whole ConnectionOptions (with functions).
    this.reply = await this.#alive(unwrap<OpenReply>(this.remote.open({ name: req.name, storage: req.storage })));
    this.worker.addEventListener('message', (event: MessageEvent) => {
      const msg = event.data as unknown;
      if (!isExecResponse(msg)) return;
      const pending = this.#pending.get(msg.exec);
      if (!pending) return;
      this.#pending.delete(msg.exec);
      if ('error' in msg) pending.reject(decodeError(msg.error));
      else pending.resolve(msg.reply);
    });
    this.#open = true;
  }

  /** Runs a batch in the worker; one plain message each way. */
  exec(calls: Call[], callKey?: string): Promise<BatchAnswer> {
    if (!this.#open) return Promise.reject(new StorageError('The database worker is not open.'));
    const id = this.#nextId++;
    const answer = new Promise<BatchAnswer>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    try {
      this.worker.postMessage({ exec: id, calls, callKey } satisfies ExecRequest);
    } catch (err) {
      // Nothing was sent: the batch fails at once, and no entry is left waiting for an answer.
      this.#pending.delete(id);
      return Promise.reject(err);
    }
    return answer;
  }

  serve(name: string, leaderId: string): Promise<void> {
    return this.#alive(unwrap<void>(this.remote.serve(name, leaderId)));
  }

  close(): Promise<void> {
    return this.#alive(unwrap<void>(this.remote.close()));
  }

  /** Stops the worker at once; calls in flight reject. */
  terminate(): void {
    this.worker.terminate();
    this.#open = false;
    this.#kill(new StorageError('The database worker was stopped before it answered; the call may or may not have been applied.'));
  }

  #alive<T>(answer: Promise<T>): Promise<T> {
    return Promise.race([answer.finally(() => (this.#answered = true)), this.#dead]);
  }
}

function notLoaded(url: string, message: string | undefined): string {
  return (
    `flowstore's database worker did not load from ${url}${message ? ` (${message})` : ''}. ` +
    'Vite and webpack bundle it on their own; with esbuild, Rollup or a static folder, copy node_modules/flowstore/dist/worker/ ' +
    'to a worker/ folder beside your bundle, or serve that folder anywhere and pass its db.worker.js as openStore({ workerUrl }).'
  );
}

/** Starts a worker and opens the database in it; `track` sees the worker before it is open. */
export async function startWorker(req: OpenRequest, track?: (handle: WorkerHandle) => void): Promise<WorkerHandle> {
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
