import { ClosedError, decodeError, StorageError, TimeoutError } from '../../shared/errors.js';
import { callKey, instanceLockName, rpcChannelName, type BatchAnswer, type Call, type RpcMessage } from '../../shared/protocol.js';
import type { WireError } from '../../shared/errors.js';
import type { StorageKind } from '../../shared/types.js';
import type { Connection, ConnectionOptions, Role } from '../connection.js';
import type { ReadWatches } from '../read-watches.js';
import { warnOnce } from '../warn-once.js';
import { stopWorker, type WorkerHandle } from '../worker-handle.js';
import { ForwardedCalls, type ForwardedCall } from './forwarded-calls.js';
import { LeaderLock } from './leader-lock.js';
import { followPageLifecycle } from './page-lifecycle.js';
import { startWorkerWithRetry } from './take-over.js';

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
  readonly #lock: LeaderLock;
  readonly #rpc: BroadcastChannel;
  readonly #forwarded: ForwardedCalls;
  readonly #roleListeners = new Set<(role: Role) => void>();
  readonly #leaderListeners = new Set<() => void>();
  readonly #endedListeners = new Set<() => void>();
  /** Aborted on close; removes the page lifecycle listeners. */
  readonly #abort = new AbortController();
  #role: Role = 'follower';
  #storage: StorageKind | undefined;
  /** Who to forward calls to: a new id for every term of leadership, so each new term re-sends what is pending. */
  #leaderId: string | undefined;
  #handle: WorkerHandle | undefined;
  /** A worker still opening to take over, so stepping down can stop it too. */
  #starting: WorkerHandle | undefined;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever this instance steps down, so a take-over still in progress knows it is stale. */
  #term = 0;
  #closed = false;
  #suspended = false;
  #leaderKnown: (() => void) | undefined;
  /** Lets go of this instance's own lock (see instanceLockName). */
  #releaseInstanceLock: () => void = () => {};
  /** Live queries' reads, sent to every new leader's engine. */
  readonly #watched = new Map<string, { rev: number; calls: Call[] }>();
  #watchIds = 0;

  readonly watches: ReadWatches = {
    newId: () => `${this.#id}:${++this.#watchIds}`,
    set: (watch, rev, calls) => {
      this.#watched.set(watch, { rev, calls });
      this.#sendWatch(watch);
    },
    delete: (watch) => {
      if (!this.#watched.delete(watch) || this.#closed || this.#leaderId === undefined) return;
      this.#post({ type: 'unwatch', leaderId: this.#leaderId, watch });
    },
  };

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#lock = new LeaderLock(options.name);
    this.#forwarded = new ForwardedCalls(options.name, options.leaderTimeoutMs);
    this.#rpc = new BroadcastChannel(rpcChannelName(options.name));
    this.#rpc.onmessage = (event: MessageEvent<RpcMessage>) => this.#onMessage(event.data);
  }

  static async open(options: ConnectionOptions): Promise<ElectedConnection> {
    const conn = new ElectedConnection(options);
    try {
      await conn.#holdInstanceLock();
      await conn.#start();
    } catch (err) {
      await conn.close();
      throw err;
    }
    followPageLifecycle(
      { suspend: () => conn.#suspend(), resume: () => conn.#resume(), close: () => void conn.close() },
      conn.#abort.signal,
    );
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

  onLeaderChange(listener: () => void): () => void {
    this.#leaderListeners.add(listener);
    return () => this.#leaderListeners.delete(listener);
  }

  send(calls: Call[]): Promise<BatchAnswer> {
    if (this.#closed) return Promise.reject(new ClosedError());
    // The leader's own calls are not keyed: recording each reply would cost every local commit
    // more pages than the write itself. If this instance stops leading while its worker runs
    // such a call, the call rejects saying it may or may not have been applied.
    if (this.#role === 'leader' && this.#handle) return this.#handle.exec(calls);
    return this.#forwarded.add(calls, (call) => this.#forward(call));
  }

  onEnded(listener: () => void): () => void {
    this.#endedListeners.add(listener);
    return () => this.#endedListeners.delete(listener);
  }

  async close(reason?: ClosedError): Promise<void> {
    if (this.#closed) return;
    const leaderId = this.#leaderId;
    if (leaderId !== undefined) for (const watch of this.#watched.keys()) this.#post({ type: 'unwatch', leaderId, watch });
    this.#watched.clear();
    this.#closed = true;
    this.#abort.abort();
    this.#forwarded.closeAll(reason);
    this.#rpc.close();
    await this.#stepDown('clean');
    this.#releaseInstanceLock();
  }

  async crash(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    this.#rpc.close();
    await this.#stepDown('abrupt');
    // As the browser does for a tab that died.
    this.#releaseInstanceLock();
  }

  /** Takes this instance's own lock, held until it closes (or its tab dies, when the browser lets go of it). */
  #holdInstanceLock(): Promise<void> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks) return Promise.resolve();
    const held = new Promise<void>((resolve) => (this.#releaseInstanceLock = resolve));
    return new Promise<void>((acquired) => {
      locks
        .request(instanceLockName(this.#options.name, this.#id), () => {
          acquired();
          return held;
        })
        .catch(() => acquired());
    });
  }

  /** True once the term `term` is over: a take-over started in it must not finish. */
  #stale(term: number): boolean {
    return this.#closed || term !== this.#term;
  }

  /**
   * Ends this instance's part in leading: leaves the lock queue, stops its
   * worker (a clean close, or at once), then gives the lock back, in that
   * order so the next leader finds the files free.
   */
  async #stepDown(how: 'clean' | 'abrupt'): Promise<void> {
    this.#term++;
    this.#lock.leaveQueue();
    clearTimeout(this.#rejoinTimer);
    this.#starting?.terminate();
    const handle = this.#handle;
    this.#handle = undefined;
    if (handle && how === 'clean') await stopWorker(handle).catch(() => {});
    else handle?.terminate();
    this.#lock.release();
  }

  async #start(): Promise<void> {
    const term = this.#term;
    if ((await this.#lock.tryNow(() => this.#promote(term))) === 'leading') return;
    this.#queue();
    await this.#awaitLeader();
    const asked = this.#options.storage;
    if (asked !== 'auto' && this.#role === 'follower' && this.#storage !== asked) {
      throw new StorageError(
        `Database "${this.#options.name}" is already open in another tab or store with storage "${this.#storage}", not "${asked}". Open it with the same storage, or "auto".`,
      );
    }
  }

  /** Waits in line for the lock, to take over when the leader goes away. */
  #queue(): void {
    if (this.#closed || this.#suspended || this.#lock.held) return;
    const term = this.#term;
    this.#lock.queue(
      () => this.#promote(term),
      (err) => {
        if (this.#stale(term)) return;
        // Let another instance try; if there is none, this one tries again.
        console.warn(`flowstore: could not take over database "${this.#options.name}"; trying again in ${REJOIN_MS} ms.`, err);
        this.#rejoinTimer = setTimeout(() => this.#queue(), REJOIN_MS);
      },
    );
  }

  /** Runs while the lock is held: opens the files, serves followers, announces itself. */
  async #promote(term: number): Promise<void> {
    const steppedDown = () => new ClosedError('This store stepped down before it could take over the database.');
    if (this.#stale(term) || this.#suspended) throw steppedDown();
    // A take-over keeps the storage the previous leader used, whatever this instance asked for.
    const storage = this.#storage ?? this.#options.storage;
    const handle = await startWorkerWithRetry(
      { ...this.#options, storage },
      { deadlineMs: this.#options.leaderTimeoutMs, stale: () => this.#stale(term), track: (h) => (this.#starting = h) },
    );
    if (this.#stale(term)) {
      handle.terminate();
      throw steppedDown();
    }
    this.#handle = handle;
    this.#storage = handle.reply.storage;
    warnOnce(handle.reply);
    handle.dead.catch(() => this.#workerDied(handle));
    const leaderId = `${this.#id}:${term}`;
    await handle.serve(this.#options.name, leaderId);
    if (this.#stale(term)) throw steppedDown();
    this.#leaderId = leaderId;
    this.#setRole('leader');
    this.#post({ type: 'leader', leaderId, storage: handle.reply.storage });
    this.#leaderKnown?.();
    for (const call of this.#forwarded.each()) this.#forward(call);
    for (const watch of this.#watched.keys()) this.#sendWatch(watch);
    this.#leaderChanged();
  }

  /** A leader that died between a commit and its notice took the notice with it: listeners re-read. */
  #leaderChanged(): void {
    for (const listener of [...this.#leaderListeners]) listener();
  }

  /** Sends a live query's reads to the leader's engine, if a leader is known (else it goes with the next one). */
  #sendWatch(watch: string): void {
    const watched = this.#watched.get(watch);
    if (!watched || this.#closed || this.#leaderId === undefined) return;
    try {
      this.#post({ type: 'watch', leaderId: this.#leaderId, owner: this.#id, watch, rev: watched.rev, calls: watched.calls });
    } catch {
      // Not cloneable: the query reads back, as without a watch.
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
    void this.#stepDown('abrupt');
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
    this.#forwarded.restartDeadlines();
    this.#queue();
    this.#post({ type: 'who-leads' });
  }

  #awaitLeader(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#leaderKnown = undefined;
        reject(
          new TimeoutError(
            `Database "${this.#options.name}" is held by another tab that did not answer within ${this.#options.leaderTimeoutMs} ms.`,
          ),
        );
      }, this.#options.leaderTimeoutMs);
      this.#leaderKnown = () => {
        clearTimeout(timer);
        this.#leaderKnown = undefined;
        resolve();
      };
      if (this.#leaderId) this.#leaderKnown();
      else this.#post({ type: 'who-leads' });
    });
  }

  #forward(call: ForwardedCall): void {
    try {
      this.#send(call);
    } catch (err) {
      // postMessage refused it (it cannot be cloned): this call fails alone, and never again.
      this.#forwarded.reject(call.id, err);
    }
  }

  #send(call: ForwardedCall): void {
    const handle = this.#handle;
    if (this.#role === 'leader' && handle) {
      call.sent = true;
      // Keyed like a forwarded call: the old leader may have applied it before it went away.
      handle.exec(call.calls, callKey(this.#id, call.id)).then(
        (reply) => this.#forwarded.resolve(call.id, reply),
        (err: unknown) => {
          // Stopped because this instance stepped down: it stays queued for the next leader, same key.
          if (this.#handle !== handle && !this.#closed) return;
          this.#forwarded.reject(call.id, err);
        },
      );
      return;
    }
    if (this.#leaderId === undefined) return; // sent when a leader announces itself
    call.sent = true;
    this.#post({ type: 'call', leaderId: this.#leaderId, from: this.#id, id: call.id, calls: call.calls });
  }

  #onMessage(msg: RpcMessage): void {
    // Any page of the origin can post on this channel: ignore what is not one of ours.
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'who-leads':
        if (this.#role === 'leader' && this.#leaderId && this.#storage) {
          this.#post({ type: 'leader', leaderId: this.#leaderId, storage: this.#storage });
        }
        return;
      case 'leader':
        if (this.#role === 'leader' || msg.leaderId === this.#leaderId) return;
        // Taken only whole: a leader id of nothing would send every call of this instance nowhere.
        if (typeof msg.leaderId !== 'string' || msg.leaderId === '' || !isStorageKind(msg.storage)) return;
        this.#leaderId = msg.leaderId;
        this.#storage = msg.storage;
        this.#leaderKnown?.();
        // What was sent to the previous leader may be lost with it; the keys make the new one apply it once.
        for (const call of this.#forwarded.each()) this.#forward(call);
        for (const watch of this.#watched.keys()) this.#sendWatch(watch);
        this.#leaderChanged();
        return;
      case 'reply': {
        if (msg.to !== this.#id) return;
        // Settled only by what has the shape of an answer: a malformed one taken would end the
        // call's wait for the real answer (and its timeout) with nothing to give its caller.
        const reply: unknown = msg.reply;
        if (typeof reply !== 'object' || reply === null) return;
        if ('error' in reply) {
          if (isWireError(reply.error)) this.#forwarded.reject(msg.id, decodeError(reply.error));
        } else if ('outcomes' in reply && Array.isArray(reply.outcomes)) {
          this.#forwarded.resolve(msg.id, reply as BatchAnswer);
        }
        return;
      }
      case 'call':
      case 'watch':
      case 'unwatch':
        return; // for the leader's worker, not here
      case 'deleting':
        void this.#endForDelete();
        return;
    }
  }

  /**
   * deleteStore() is deleting the database: close as store.close() would (a
   * leader lets its running writes finish and gives the files and the lock
   * back), and say so to the store, which ends too.
   */
  async #endForDelete(): Promise<void> {
    if (this.#closed) return;
    const why = new ClosedError(
      `Database "${this.#options.name}" was deleted by deleteStore(); open it again with openStore() to start a new one.`,
    );
    const closing = this.close(why);
    for (const listener of [...this.#endedListeners]) listener();
    await closing;
  }

  #post(msg: RpcMessage): void {
    this.#rpc.postMessage(msg);
  }

  #setRole(role: Role): void {
    this.#role = role;
    for (const listener of this.#roleListeners) listener(role);
  }
}

/** Every StorageKind (the type makes this list complete), to check an announcement's. */
const STORAGE_KINDS: Record<StorageKind, true> = { opfs: true, idb: true, memory: true, file: true, 'durable-object': true };

function isStorageKind(value: unknown): value is StorageKind {
  return typeof value === 'string' && Object.hasOwn(STORAGE_KINDS, value);
}

function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && typeof (value as WireError).code === 'string';
}
