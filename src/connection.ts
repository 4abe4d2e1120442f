import { wrap, type Remote } from 'comlink';
import { installErrorCodec } from './comlink-errors.js';
import { ClosedError, StorageError, TimeoutError } from './errors.js';
import { rpcChannelName, type BatchReply, type Call, type OpenReply, type OpenRequest, type RpcMessage } from './protocol.js';
import type { StorageKind } from './types.js';
import type { EngineHost } from './worker/host.js';

/** Who owns the database file right now. */
export type Role = 'leader' | 'follower';

/** How a store's calls reach the engine: in-process, its own worker, or the leader's. */
export interface Connection {
  readonly storage: StorageKind;
  readonly role: Role;
  send(calls: Call[]): Promise<BatchReply>;
  onRoleChange(listener: (role: Role) => void): () => void;
  close(): Promise<void>;
  /** Tests only: drop everything as a crashed tab would (no db close, no pool release). */
  crash(): Promise<void>;
}

export type ConnectionOptions = OpenRequest & { worker: boolean; leaderTimeoutMs: number };

/** Opens the connection that fits the options and the platform. */
export async function connect(options: ConnectionOptions): Promise<Connection> {
  if (!options.worker) return openInProcess(options);
  const shared = options.storage !== 'memory' && typeof navigator !== 'undefined' && navigator.locks !== undefined;
  return shared ? ElectedConnection.open(options) : openWorker(options);
}

/** Runs the engine on this thread (Node, edge runtimes, tests). */
async function openInProcess(req: OpenRequest): Promise<Connection> {
  const { createEngineHost } = await import('./worker/host.js');
  const host = createEngineHost();
  const reply = await host.open(req);
  warnOnce(reply);
  return {
    storage: reply.storage,
    role: 'leader',
    send: async (calls) => host.exec(calls),
    onRoleChange: () => () => {},
    close: async () => host.close(),
    crash: async () => {},
  };
}

/** A started worker. `exec` rejects (never hangs) if the worker dies or is stopped. */
class WorkerHandle {
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

  exec(calls: Call[], callKey?: string): Promise<BatchReply> {
    return Promise.race([this.remote.exec(calls, callKey), this.#dead]);
  }

  /** Stops the worker at once; calls in flight reject. */
  terminate(): void {
    this.worker.terminate();
    this.#kill(new StorageError('The database worker was stopped before it answered; the call may or may not have been applied.'));
  }
}

async function startWorker(req: OpenRequest): Promise<WorkerHandle> {
  installErrorCodec();
  const handle = new WorkerHandle(req);
  try {
    handle.reply = await handle.remote.open(req);
    return handle;
  } catch (err) {
    handle.terminate();
    throw err;
  }
}

async function stopWorker(handle: WorkerHandle): Promise<void> {
  try {
    await handle.remote.close();
  } finally {
    handle.terminate();
  }
}

/** A private worker that owns a volatile database (storage 'memory'). */
async function openWorker(req: OpenRequest): Promise<Connection> {
  const handle = await startWorker(req);
  warnOnce(handle.reply);
  return {
    storage: handle.reply.storage,
    role: 'leader',
    send: (calls) => handle.exec(calls),
    onRoleChange: () => () => {},
    close: () => stopWorker(handle),
    crash: async () => handle.terminate(),
  };
}

const warned = new Set<string>();
function warnOnce(reply: OpenReply): void {
  if (reply.warning && !warned.has(reply.warning)) {
    warned.add(reply.warning);
    console.warn(reply.warning);
  }
}

type PendingCall = { calls: Call[]; resolve: (r: BatchReply) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> };

/**
 * One database shared by every store instance of the origin. The instance
 * holding the Web Lock is the leader: its worker owns the OPFS files and
 * answers calls that the others (followers) forward over a BroadcastChannel.
 * When the leader goes away its lock is released and a follower takes over.
 */
class ElectedConnection implements Connection {
  readonly #id = crypto.randomUUID();
  readonly #options: ConnectionOptions;
  readonly #rpc: BroadcastChannel;
  readonly #pending = new Map<number, PendingCall>();
  readonly #roleListeners = new Set<(role: Role) => void>();
  readonly #abort = new AbortController();
  #nextId = 1;
  #role: Role = 'follower';
  #storage: StorageKind | undefined;
  #leaderId: string | undefined;
  #handle: WorkerHandle | undefined;
  #releaseLock: (() => void) | undefined;
  #closed = false;
  #leaderKnown: (() => void) | undefined;

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#rpc = new BroadcastChannel(rpcChannelName(options.name));
    this.#rpc.onmessage = (event: MessageEvent<RpcMessage>) => this.#onMessage(event.data);
  }

  static async open(options: ConnectionOptions): Promise<ElectedConnection> {
    const conn = new ElectedConnection(options);
    try {
      await conn.#start();
    } catch (err) {
      await conn.close();
      throw err;
    }
    return conn;
  }

  get storage(): StorageKind {
    return this.#storage ?? 'opfs';
  }

  get role(): Role {
    return this.#role;
  }

  onRoleChange(listener: (role: Role) => void): () => void {
    this.#roleListeners.add(listener);
    return () => this.#roleListeners.delete(listener);
  }

  send(calls: Call[]): Promise<BatchReply> {
    if (this.#closed) return Promise.reject(new ClosedError());
    if (this.#role === 'leader' && this.#handle) return this.#handle.exec(calls);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new TimeoutError(`No tab answered for database "${this.#options.name}" within ${this.#options.leaderTimeoutMs} ms; the call was not applied by this store. Try again.`));
      }, this.#options.leaderTimeoutMs);
      this.#pending.set(id, { calls, resolve, reject, timer });
      this.#forward(id);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new ClosedError());
    }
    this.#pending.clear();
    this.#rpc.close();
    // Release the files before the lock, so the next leader finds the pool free.
    if (this.#handle) await stopWorker(this.#handle).catch(() => {});
    this.#handle = undefined;
    this.#releaseLock?.();
  }

  async crash(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    this.#rpc.close();
    this.#handle?.terminate();
    this.#handle = undefined;
    this.#releaseLock?.();
  }

  async #start(): Promise<void> {
    const lockName = `flowstore:leader:${this.#options.name}`;
    const acquired = await new Promise<boolean>((resolveAcquired, rejectAcquired) => {
      navigator.locks
        .request(lockName, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolveAcquired(false);
            return undefined;
          }
          resolveAcquired(true);
          return new Promise<void>((release) => (this.#releaseLock = release));
        })
        .catch(rejectAcquired);
    });
    if (acquired) {
      await this.#promote();
      return;
    }
    // Wait in line to take over when the leader goes away.
    navigator.locks
      .request(lockName, { signal: this.#abort.signal }, async () => {
        if (this.#closed) return;
        const held = new Promise<void>((release) => (this.#releaseLock = release));
        await this.#promote().catch((err) => console.error('flowstore: could not take over the database', err));
        await held;
      })
      .catch(() => {});
    await this.#awaitLeader();
  }

  async #promote(): Promise<void> {
    const handle = await this.#startWorkerWithRetry();
    if (this.#closed) {
      await stopWorker(handle);
      return;
    }
    this.#handle = handle;
    this.#storage = handle.reply.storage;
    warnOnce(handle.reply);
    await handle.remote.serve(this.#options.name, this.#id);
    this.#setRole('leader');
    this.#leaderId = this.#id;
    this.#rpc.postMessage({ type: 'leader', leaderId: this.#id, storage: handle.reply.storage } satisfies RpcMessage);
    for (const id of this.#pending.keys()) this.#forward(id);
  }

  /** A crashed leader's access handles are freed by the browser shortly after; retry until then. */
  async #startWorkerWithRetry(): Promise<WorkerHandle> {
    const deadline = Date.now() + this.#options.leaderTimeoutMs;
    let delay = 25;
    for (;;) {
      try {
        return await startWorker(this.#options);
      } catch (err) {
        if (!(err instanceof StorageError) || Date.now() + delay > deadline || this.#closed) throw err;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 500);
      }
    }
  }

  #awaitLeader(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#leaderKnown = undefined;
        reject(new TimeoutError(`Database "${this.#options.name}" is held by another tab that did not answer within ${this.#options.leaderTimeoutMs} ms.`));
      }, this.#options.leaderTimeoutMs);
      this.#leaderKnown = () => {
        clearTimeout(timer);
        this.#leaderKnown = undefined;
        resolve();
      };
      if (this.#leaderId) this.#leaderKnown();
      else this.#rpc.postMessage({ type: 'who-leads' } satisfies RpcMessage);
    });
  }

  #forward(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    if (this.#role === 'leader' && this.#handle) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      // Keyed like a forwarded call: the old leader may have applied it before it went away.
      this.#handle.exec(pending.calls, this.#callKey(id)).then(pending.resolve, pending.reject);
      return;
    }
    if (this.#leaderId === undefined) return; // sent when a leader announces itself
    this.#rpc.postMessage({ type: 'call', leaderId: this.#leaderId, from: this.#id, id, calls: pending.calls } satisfies RpcMessage);
  }

  #callKey(id: number): string {
    return `${this.#id}:${id}`;
  }

  #onMessage(msg: RpcMessage): void {
    switch (msg.type) {
      case 'who-leads':
        if (this.#role === 'leader' && this.#storage) {
          this.#rpc.postMessage({ type: 'leader', leaderId: this.#id, storage: this.#storage } satisfies RpcMessage);
        }
        return;
      case 'leader':
        if (msg.leaderId === this.#id) return;
        this.#leaderId = msg.leaderId;
        this.#storage = msg.storage;
        this.#leaderKnown?.();
        for (const id of this.#pending.keys()) this.#forward(id);
        return;
      case 'reply': {
        if (msg.to !== this.#id) return;
        const pending = this.#pending.get(msg.id);
        if (!pending) return;
        this.#pending.delete(msg.id);
        clearTimeout(pending.timer);
        if ('error' in msg.reply) pending.reject(new StorageError(`The leader tab failed to run the call: ${msg.reply.error}`));
        else pending.resolve(msg.reply);
        return;
      }
      case 'call':
        return; // answered by the leader's worker, not here
    }
  }

  #setRole(role: Role): void {
    this.#role = role;
    for (const listener of this.#roleListeners) listener(role);
  }
}
