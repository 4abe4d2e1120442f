import type { Connection, ConnectionOptions, Role } from './connection.js';
import { ClosedError, decodeError, StorageError, TimeoutError } from './errors.js';
import { leaderLockName, rpcChannelName, type BatchAnswer, type Call, type RpcMessage } from './protocol.js';
import type { StorageKind } from './types.js';
import { warnOnce } from './warn-once.js';
import { startWorker, stopWorker, type WorkerHandle } from './worker-handle.js';

type PendingCall = {
  calls: Call[];
  resolve: (reply: BatchAnswer) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Whether a leader may have received it: then a timeout cannot say it was not applied. */
  sent: boolean;
};

const SQLITE_BUSY = 5;

/** How long an instance that failed to take over waits before it queues for the lock again. */
const REJOIN_MS = 1000;

/**
 * One database shared by every store instance of the origin. The instance
 * holding the Web Lock is the leader: its worker owns the OPFS files and
 * answers calls that the others (followers) forward over a BroadcastChannel.
 * When the leader goes away its lock is released and a follower takes over.
 *
 * A forwarded call carries a key (`<follower id>:<call id>`) that the engine
 * records with the batch's reply in the batch's own transaction, so a call
 * re-sent to the next leader after a hand-over is applied once and answered
 * with its first reply. A page that unloads closes its store; a page that is
 * frozen or put in the back/forward cache stops leading at once and rejoins
 * when it is resumed, so it never holds the database for the other tabs.
 */
export class ElectedConnection implements Connection {
  readonly #id = crypto.randomUUID();
  readonly #options: ConnectionOptions;
  readonly #lockName: string;
  readonly #rpc: BroadcastChannel;
  readonly #pending = new Map<number, PendingCall>();
  readonly #roleListeners = new Set<(role: Role) => void>();
  /** Aborted on close; removes the page lifecycle listeners. */
  readonly #abort = new AbortController();
  #nextId = 1;
  #role: Role = 'follower';
  #storage: StorageKind | undefined;
  /** Who to forward calls to: a new id for every term of leadership, so each new term re-sends what is pending. */
  #leaderId: string | undefined;
  #handle: WorkerHandle | undefined;
  /** A worker still opening to take over, so stepping down can stop it too. */
  #starting: WorkerHandle | undefined;
  #releaseLock: (() => void) | undefined;
  /** This instance's request waiting in line for the lock. */
  #queued: AbortController | undefined;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever this instance steps down, so a takeover still in progress knows it is stale. */
  #term = 0;
  #closed = false;
  #suspended = false;
  #leaderKnown: (() => void) | undefined;

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#lockName = leaderLockName(options.name);
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
    conn.#listen();
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

  send(calls: Call[]): Promise<BatchAnswer> {
    if (this.#closed) return Promise.reject(new ClosedError());
    // The leader's own calls are not keyed: recording each reply would cost every local commit
    // more pages than the write itself. If this instance stops leading while its worker runs
    // such a call, the call rejects saying it may or may not have been applied.
    if (this.#role === 'leader' && this.#handle) return this.#handle.exec(calls);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => this.#timeOut(id), this.#options.leaderTimeoutMs);
      this.#pending.set(id, { calls, resolve, reject, timer, sent: false });
      this.#forward(id);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    this.#queued?.abort();
    clearTimeout(this.#rejoinTimer);
    this.#starting?.terminate();
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new ClosedError());
    }
    this.#pending.clear();
    this.#rpc.close();
    const handle = this.#handle;
    this.#handle = undefined;
    // Release the files before the lock, so the next leader finds the pool free.
    if (handle) await stopWorker(handle).catch(() => {});
    this.#release();
  }

  async crash(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    this.#queued?.abort();
    clearTimeout(this.#rejoinTimer);
    this.#rpc.close();
    this.#starting?.terminate();
    this.#handle?.terminate();
    this.#handle = undefined;
    this.#release();
  }

  async #start(): Promise<void> {
    const first = await new Promise<'busy' | 'leading' | { failed: unknown }>((settle, fail) => {
      navigator.locks
        .request(this.#lockName, { ifAvailable: true }, (lock) => {
          if (!lock) {
            settle('busy');
            return undefined;
          }
          return this.#lead((err) => settle(err === undefined ? 'leading' : { failed: err }));
        })
        .catch(fail);
    });
    if (first === 'leading') return;
    if (first !== 'busy') throw first.failed;
    this.#queue();
    await this.#awaitLeader();
    const asked = this.#options.storage;
    if (asked !== 'auto' && this.#role === 'follower' && this.#storage !== asked) {
      throw new StorageError(`Database "${this.#options.name}" is already open in another tab or store with storage "${this.#storage}", not "${asked}". Open it with the same storage, or "auto".`);
    }
  }

  /** Waits in line for the lock, to take over when the leader goes away. */
  #queue(): void {
    if (this.#closed || this.#suspended || this.#queued || this.#releaseLock) return;
    const queued = new AbortController();
    this.#queued = queued;
    navigator.locks
      .request(this.#lockName, { signal: queued.signal }, () => {
        if (this.#queued === queued) this.#queued = undefined;
        if (this.#closed || this.#suspended) return undefined;
        const term = this.#term;
        return this.#lead((err) => {
          if (err === undefined || term !== this.#term || this.#closed) return;
          // Let another instance try; if there is none, this one tries again.
          console.warn(`flowstore: could not take over database "${this.#options.name}"; trying again in ${REJOIN_MS} ms.`, err);
          this.#rejoinTimer = setTimeout(() => this.#queue(), REJOIN_MS);
        });
      })
      .catch(() => {
        if (this.#queued === queued) this.#queued = undefined;
      });
  }

  /**
   * The lock callback: the lock is held until the returned promise settles,
   * that is until this instance steps down or closes, or at once if taking
   * over failed. `done` learns whether it took over.
   */
  #lead(done: (err: unknown) => void): Promise<void> {
    const term = this.#term;
    return new Promise<void>((release) => {
      this.#releaseLock = release;
      this.#promote(term).then(
        () => done(undefined),
        (err: unknown) => {
          if (this.#releaseLock === release) this.#releaseLock = undefined;
          release();
          done(err);
        },
      );
    });
  }

  async #promote(term: number): Promise<void> {
    const stale = () => this.#closed || term !== this.#term;
    const handle = await this.#startWorkerWithRetry(term);
    if (stale()) {
      handle.terminate();
      throw new ClosedError('This store stepped down before it could take over the database.');
    }
    this.#handle = handle;
    this.#storage = handle.reply.storage;
    warnOnce(handle.reply);
    handle.dead.catch(() => this.#workerDied(handle));
    const leaderId = `${this.#id}:${term}`;
    await handle.serve(this.#options.name, leaderId);
    if (stale()) throw new ClosedError('This store stepped down before it could take over the database.');
    this.#leaderId = leaderId;
    this.#setRole('leader');
    this.#rpc.postMessage({ type: 'leader', leaderId, storage: handle.reply.storage } satisfies RpcMessage);
    this.#leaderKnown?.();
    for (const id of this.#pending.keys()) this.#forward(id);
  }

  /** A gone leader's access handles are freed by the browser shortly after; retry until then. */
  async #startWorkerWithRetry(term: number): Promise<WorkerHandle> {
    const deadline = Date.now() + this.#options.leaderTimeoutMs;
    let delay = 25;
    for (;;) {
      let mine: WorkerHandle | undefined;
      try {
        // A take-over keeps the storage the previous leader used, whatever this instance asked for.
        const storage = this.#storage ?? this.#options.storage;
        return await startWorker({ ...this.#options, storage }, (handle) => (this.#starting = mine = handle));
      } catch (err) {
        if (this.#closed || term !== this.#term) throw err;
        // Only "the files are still held" goes away by waiting; anything else is final.
        if (!isPoolBusy(err) || Date.now() + delay > deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
        if (this.#closed || term !== this.#term) throw new ClosedError('This store stopped before it could take over the database.');
        delay = Math.min(delay * 2, 500);
      } finally {
        if (this.#starting === mine) this.#starting = undefined;
      }
    }
  }

  /**
   * Stops leading at once, for a page that is about to be frozen: it could
   * not answer anyone while frozen. There is no time for a clean close;
   * committed data is safe in the WAL. Calls stay queued until {@link #resume}.
   */
  #suspend(): void {
    if (this.#closed || this.#suspended) return;
    this.#suspended = true;
    this.#term++;
    this.#queued?.abort();
    this.#queued = undefined;
    clearTimeout(this.#rejoinTimer);
    this.#starting?.terminate();
    this.#handle?.terminate();
    this.#handle = undefined;
    this.#release();
    if (this.#role === 'leader') {
      // The next leader's announcement then re-sends what was queued here.
      this.#leaderId = undefined;
      this.#setRole('follower');
    }
  }

  /** A leader whose worker died cannot serve anyone: step down and queue again. */
  #workerDied(handle: WorkerHandle): void {
    if (this.#handle !== handle || this.#closed || this.#suspended) return;
    this.#suspend();
    this.#resume();
  }

  #resume(): void {
    if (this.#closed || !this.#suspended) return;
    this.#suspended = false;
    // Time spent frozen does not count against a queued call.
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.timer = setTimeout(() => this.#timeOut(id), this.#options.leaderTimeoutMs);
    }
    this.#queue();
    this.#rpc.postMessage({ type: 'who-leads' } satisfies RpcMessage);
  }

  /** Page lifecycle: close when the page unloads, step down while it is frozen or cached. */
  #listen(): void {
    const signal = this.#abort.signal;
    if (typeof document !== 'undefined') {
      document.addEventListener('freeze', () => this.#suspend(), { signal });
      document.addEventListener('resume', () => this.#resume(), { signal });
    }
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', (event) => (event.persisted ? this.#suspend() : void this.close()), { signal });
      window.addEventListener(
        'pageshow',
        (event) => {
          if (event.persisted) this.#resume();
        },
        { signal },
      );
    }
  }

  #release(): void {
    const release = this.#releaseLock;
    this.#releaseLock = undefined;
    release?.();
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
    const handle = this.#handle;
    if (this.#role === 'leader' && handle) {
      pending.sent = true;
      // Keyed like a forwarded call: the old leader may have applied it before it went away.
      handle.exec(pending.calls, this.#callKey(id)).then(
        (reply) => this.#take(id)?.resolve(reply),
        (err: unknown) => {
          // Stopped because this instance stepped down: it stays queued for the next leader, same key.
          if (this.#handle !== handle && !this.#closed) return;
          this.#take(id)?.reject(err);
        },
      );
      return;
    }
    if (this.#leaderId === undefined) return; // sent when a leader announces itself
    pending.sent = true;
    this.#rpc.postMessage({ type: 'call', leaderId: this.#leaderId, from: this.#id, id, calls: pending.calls } satisfies RpcMessage);
  }

  #callKey(id: number): string {
    return `${this.#id}:${id}`;
  }

  #take(id: number): PendingCall | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    return pending;
  }

  #timeOut(id: number): void {
    const pending = this.#take(id);
    if (!pending) return;
    const { name, leaderTimeoutMs } = this.#options;
    pending.reject(
      new TimeoutError(
        pending.sent
          ? `The tab that owns database "${name}" did not answer within ${leaderTimeoutMs} ms. The call may have been applied (never twice): check before you retry it.`
          : `No tab took charge of database "${name}" within ${leaderTimeoutMs} ms, so the call was not applied. Try again.`,
      ),
    );
  }

  #onMessage(msg: RpcMessage): void {
    switch (msg.type) {
      case 'who-leads':
        if (this.#role === 'leader' && this.#leaderId && this.#storage) {
          this.#rpc.postMessage({ type: 'leader', leaderId: this.#leaderId, storage: this.#storage } satisfies RpcMessage);
        }
        return;
      case 'leader':
        if (this.#role === 'leader' || msg.leaderId === this.#leaderId) return;
        this.#leaderId = msg.leaderId;
        this.#storage = msg.storage;
        this.#leaderKnown?.();
        // What was sent to the previous leader may be lost with it; the keys make the new one apply it once.
        for (const id of this.#pending.keys()) this.#forward(id);
        return;
      case 'reply': {
        if (msg.to !== this.#id) return;
        const pending = this.#take(msg.id);
        if (!pending) return;
        if ('error' in msg.reply) pending.reject(decodeError(msg.reply.error));
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

function isPoolBusy(err: unknown): boolean {
  return err instanceof StorageError && err.sqliteCode === SQLITE_BUSY;
}
