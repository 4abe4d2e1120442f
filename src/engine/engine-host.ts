import { DumpError, encodeError, type WireError, StorageError } from '../shared/errors.js';
import {
  callKey,
  instanceLockName,
  isCall,
  changeChannelName,
  rpcChannelName,
  type BatchAnswer,
  type BatchReply,
  type Call,
  type OpenReply,
  type Outcome,
  type OpenRequest,
  type RpcMessage,
  type ExecRequest,
  type ExecResponse,
  type ChangeNotice,
  type ChangeMessage,
} from '../shared/protocol.js';
import { Engine } from './engine.js';
import { deliverOutcomes } from './deliver.js';
import { failAll } from './outcomes.js';
import { isReadOnly, readOps } from './ops/index.js';
import { isIoError, opfsWriteRefused, sqliteCode, toStoreError } from './sql-errors.js';
import { openStorage, type ServerParts } from './storage/open-storage.js';
import type { OpenedDb } from './storage/opened-db.js';
import { holdOpenFile, releaseOpenFile } from './storage/open-files.js';
import { DumpWriter } from './dump/dump-writer.js';
import { WatchedReads } from './watched-reads.js';
import { opfsDir } from './dump/handle-dir.js';
import type { DumpDir } from './dump/dump-dir.js';

/** What an in-process host is given beyond the browser's storage. */
export type HostOptions = {
  /** Opens server storage (a file, a Durable Object); only server entries pass it, so browser bundles never hold a driver. */
  server?: ServerParts | undefined;
  /**
   * Receives change notices after commit, instead of a BroadcastChannel: in-process
   * stores wake their own readers directly, so no runtime needs BroadcastChannel.
   */
  notify?: (changes: ChangeNotice[]) => void;
  /** Called after the host closed on its own: deleteStore() ended it to delete its file. */
  ended?: () => void;
  /** Receives the errors of table dumps, instead of the change channel (in-process stores). */
  dumpError?: (error: WireError) => void;
};

/**
 * Wraps the engine with what a host thread adds: opening storage,
 * finishing IndexedDB saves before a write resolves, posting change notices after commit, and
 * answering calls forwarded by follower stores of the same database. Used by
 * the worker and in-process alike.
 */
export function createEngineHost(options: HostOptions = {}) {
  let engine: Engine | undefined;
  let dumps: DumpWriter | undefined;
  let opened: OpenedDb | undefined;
  let request: OpenRequest | undefined;
  let notices: BroadcastChannel | undefined;
  let rpc: BroadcastChannel | undefined;
  // Live queries' reads in any tab, answered with the notices of the commits that touch them.
  const watched = new WatchedReads();
  // The instances whose lock this host waits for, to forget their watches when they are gone.
  const owners = new Set<string>();
  let stopWaiting = new AbortController();
  // Batches run one after another: an IndexedDB save must finish before the next batch starts.
  let queue: Promise<unknown> = Promise.resolve();
  // Why the database is gone, when reloading it after a failed save failed too.
  let lost: unknown;

  async function start(req: OpenRequest): Promise<OpenReply> {
    const { db, warning } = await openStorage(req, options.server?.open);
    try {
      engine = new Engine(db.driver);
    } catch (err) {
      db.driver.close();
      db.release();
      // Creating or migrating the schema writes too: a refused write there means a full quota as well.
      if (db.storage === 'opfs' && isIoError(sqliteCode(err))) throw opfsWriteRefused(await estimate(), err);
      throw toStoreError(err);
    }
    opened = db;
    request = req;
    if (db.file !== undefined) holdOpenFile(db.file, endForDelete);
    dumps = new DumpWriter(engine, { dbName: req.name, openPath: dumpPath(options.server?.dumpDir), report: reportDump });
    return warning === undefined ? { storage: db.storage } : { storage: db.storage, warning };
  }

  async function runBatch(calls: Call[], callKey?: string): Promise<BatchReply> {
    if (lost !== undefined) {
      throw new StorageError(
        `The database could not be reloaded from IndexedDB after a failed save (${(lost as Error)?.message ?? String(lost)}); open the store again.`,
        { cause: lost },
      );
    }
    if (!engine || !opened) throw new StorageError('The database is not open here any more; open the store again.');
    const writes = !isReadOnly(calls);
    const before = engine.writeMark();
    let reply = engine.exec(calls, callKey);
    // Any write needs saving, announced or not (opening a table writes DDL); a retried batch
    // answered from its memo wrote nothing, and must not fail now for a save it does not need.
    if (writes && opened.persist && engine.writeMark() !== before) {
      try {
        await opened.persist();
      } catch (err) {
        await reloadSaved();
        reply = calls.length > 1 && engine ? await runEachSaved(calls, callKey) : failAll(calls, err);
      }
    }
    // Only writes can be refused for lack of space; a failed read stays a StorageError.
    if (writes && opened?.storage === 'opfs' && reply.outcomes.some(isIoFailure)) reply = await explainIoErrors(reply);
    // Files before the answer: a resolved write's file is written (or its DumpError reported).
    if (writes && dumps?.needed(calls)) await writeDumps(dumps, calls, reply);
    // Batches run one at a time, so a batch of reads saw exactly the state of this version.
    return { ...reply, version: engine?.version ?? 0 };
  }

  /** Writes a batch's dump files; a failure there is reported, and never fails the committed batch. */
  async function writeDumps(writer: DumpWriter, calls: Call[], reply: BatchReply): Promise<void> {
    const before = engine?.writeMark();
    try {
      await writer.afterBatch(calls, reply);
      // Marking every row for a new folder writes to the database: storage saved after each commit must save that too.
      if (opened?.persist && engine && engine.writeMark() !== before) await opened.persist();
    } catch (err) {
      reportDump(unexpectedDumpFailure(err));
    }
  }

  const warnedTables = new Set<string>();
  function reportDump(err: DumpError): void {
    // Once per table and host: a folder that stays unwritable would fill the console.
    if (!warnedTables.has(err.table)) {
      warnedTables.add(err.table);
      console.warn(`flowstore: ${err.message}`);
    }
    const wire = encodeError(err);
    if (options.dumpError) options.dumpError(wire);
    else notices?.postMessage({ type: 'dump-error', error: wire });
  }

  /**
   * After a batch could not be saved to IndexedDB: each call alone, saved alone,
   * so one caller's oversized write does not fail the others.
   */
  async function runEachSaved(calls: Call[], callKey?: string): Promise<BatchReply> {
    // A keyed batch may have been applied in part before (then its memo is in the saved image):
    // those calls keep their first outcome, and only the rest run.
    const kept = callKey === undefined ? undefined : engine?.remembered(callKey);
    const done: BatchReply = { outcomes: [], changes: [...(kept?.changes ?? [])] };
    for (const [i, call] of calls.entries()) {
      const known = kept?.outcomes[i];
      if (known) {
        done.outcomes.push(known);
        continue;
      }
      if (!engine || !opened?.persist) {
        done.outcomes.push(...failAll([call], lost).outcomes);
        continue;
      }
      // Keyed like the batch, so a forwarded batch retried after a hand-over still applies once.
      let reply = engine.execOne(calls, i, done, callKey);
      if (reply.outcomes[0]?.ok && !readOps.has(call.op)) {
        try {
          await opened.persist();
        } catch (err) {
          await reloadSaved();
          reply = failAll([call], err);
        }
      }
      done.outcomes.push(...reply.outcomes);
      done.changes.push(...reply.changes);
    }
    return done;
  }

  /**
   * After a failed IndexedDB save the in-memory file is ahead of the saved one:
   * go back to what is saved. If that fails too, later calls reject with why.
   */
  async function reloadSaved(): Promise<void> {
    engine?.close();
    opened?.release();
    engine = opened = undefined;
    try {
      await start(request!);
    } catch (err) {
      lost = err;
    }
  }

  /**
   * Runs a batch after those before it. `deliver` gets the reply before the
   * batch's change notices go out: the caller is waiting on the reply, the
   * notices only wake other readers (and a BroadcastChannel post costs the
   * worker tens of microseconds).
   */
  function exec(calls: Call[], callKey?: string, deliver?: (reply: BatchReply) => void): Promise<BatchReply> {
    const run = queue.then(async () => {
      const reply = await runBatch(calls, callKey);
      deliver?.(reply);
      if (reply.changes.length > 0) {
        const { notify } = options;
        // After the answer, as a BroadcastChannel message would arrive.
        if (notify) queueMicrotask(() => notify(reply.changes));
        else if (notices) notices.postMessage(changeMessage(reply.changes));
      }
      return reply;
    });
    queue = run.catch(() => {});
    return run;
  }

  /**
   * Waits for the lock that store instance `owner` holds while open (see
   * instanceLockName): granted once it closed or its tab died, and then its
   * watches are forgotten, rather than answered with every commit for the
   * rest of this leader's term.
   */
  function followOwner(dbName: string, owner: string): void {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    if (!locks || owners.has(owner)) return;
    owners.add(owner);
    locks
      .request(instanceLockName(dbName, owner), { signal: stopWaiting.signal }, () => {
        owners.delete(owner);
        watched.deleteOwner(owner);
      })
      .catch(() => owners.delete(owner));
  }

  /** A batch's notices, with the answers to the watched reads they touch, read right after its commit. */
  function changeMessage(changes: ChangeNotice[]): ChangeMessage {
    const now = engine;
    if (!now) return { type: 'changes', changes };
    const answers = watched.answer(changes, now.version, (calls) => now.exec(calls).outcomes);
    return answers ? { type: 'changes', changes, answers } : { type: 'changes', changes };
  }

  async function closeHost(): Promise<void> {
    // Stop taking forwarded calls first: unanswered, they go to the next leader with their keys.
    rpc?.close();
    rpc = undefined;
    watched.clear();
    stopWaiting.abort();
    stopWaiting = new AbortController();
    for (let last; last !== queue;) {
      last = queue;
      await last;
    }
    notices?.close();
    notices = undefined;
    if (opened?.file !== undefined) releaseOpenFile(opened.file, endForDelete);
    engine?.close();
    opened?.release();
    engine = opened = dumps = undefined;
  }

  async function endForDelete(): Promise<void> {
    await closeHost();
    options.ended?.();
  }

  return {
    async open(req: OpenRequest): Promise<OpenReply> {
      const reply = await start(req);
      if (!options.notify) notices = new BroadcastChannel(changeChannelName(req.name));
      // Files left behind by a crash or a failed write, before any call runs (calls queue behind it).
      const writer = dumps;
      queue = queue.then(() => writer?.reconcileAll()).catch((err: unknown) => reportDump(unexpectedDumpFailure(err)));
      return reply;
    },

    /**
     * Runs a batch of calls. `callKey` (for calls that may be retried after a
     * hand-over) makes the batch apply once: a retry gets the first reply.
     */
    exec: (calls: Call[], callKey?: string): Promise<BatchReply> => exec(calls, callKey),

    /** Answers one ExecRequest through `post`: the hot path, without comlink's per-call bookkeeping. */
    answer({ exec: id, calls, callKey }: ExecRequest, post: (response: ExecResponse) => void): void {
      exec(calls, callKey, (reply) =>
        deliverOutcomes(calls, reply.outcomes, (outcomes) => post({ exec: id, reply: { outcomes, version: reply.version } })),
      ).catch((err: unknown) => post({ exec: id, error: encodeError(toStoreError(err)) }));
    },

    /** Starts answering calls that follower stores forward over the database's RPC channel. */
    serve(name: string, leaderId: string): void {
      rpc = new BroadcastChannel(rpcChannelName(name));
      rpc.onmessage = (event: MessageEvent<unknown>) => {
        const msg = event.data;
        if (isWatchMessage(msg)) {
          if (msg.leaderId !== leaderId) return;
          if (msg.type === 'unwatch') watched.delete(msg.watch);
          else if (!watched.set(msg.owner, msg.watch, msg.rev, msg.calls)) watched.delete(msg.watch);
          else followOwner(name, msg.owner);
          return;
        }
        // Anything on the channel may be sent by any page of the origin: take only well-formed calls.
        if (!isForwardedCall(msg) || msg.leaderId !== leaderId) return;
        const answer = (reply: BatchAnswer | { error: WireError }) =>
          rpc?.postMessage({ type: 'reply', to: msg.from, id: msg.id, reply } satisfies RpcMessage);
        // Same key as the follower would use if it became leader and retried the call itself.
        exec(msg.calls, callKey(msg.from, msg.id), (reply) =>
          deliverOutcomes(msg.calls, reply.outcomes, (outcomes) => answer({ outcomes, version: reply.version })),
        ).catch((err: unknown) => answer({ error: encodeError(toStoreError(err)) }));
      };
    },

    close: closeHost,
  };
}

/** How this host opens a dump's directory path: the server's file system, else OPFS, else not at all. */
function dumpPath(server: ((path: string) => DumpDir) | undefined): ((path: string) => Promise<DumpDir>) | undefined {
  if (server) return async (path) => server(path);
  if (typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function') return opfsDir;
  return undefined;
}

function unexpectedDumpFailure(err: unknown): DumpError {
  return new DumpError(
    `Writing Markdown files failed unexpectedly (${err instanceof Error ? err.message : String(err)}); rows are committed, and the files are brought up to date at the next open.`,
    '',
    [],
    { cause: err },
  );
}

function isForwardedCall(msg: unknown): msg is Extract<RpcMessage, { type: 'call' }> {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<Extract<RpcMessage, { type: 'call' }>>;
  return m.type === 'call' && typeof m.from === 'string' && typeof m.id === 'number' && Array.isArray(m.calls) && m.calls.every(isCall);
}

/** A watch or unwatch message; its contents are checked by WatchedReads. */
function isWatchMessage(msg: unknown): msg is Extract<RpcMessage, { type: 'watch' | 'unwatch' }> {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as { type?: unknown; leaderId?: unknown };
  return (m.type === 'watch' || m.type === 'unwatch') && typeof m.leaderId === 'string';
}

function isIoFailure(o: Outcome): boolean {
  return !o.ok && o.error.code === 'STORAGE' && isIoError(o.error.fields?.sqliteCode);
}

/** What the browser says about the origin's usage, when it says anything. */
function estimate(): Promise<StorageEstimate | undefined> {
  if (typeof navigator === 'undefined') return Promise.resolve(undefined);
  return navigator.storage?.estimate?.().catch(() => undefined) ?? Promise.resolve(undefined);
}

/** OPFS reports a refused write as a generic I/O error: say what the caller can act on. */
async function explainIoErrors(reply: BatchReply): Promise<BatchReply> {
  const full = encodeError(opfsWriteRefused(await estimate()));
  return { ...reply, outcomes: reply.outcomes.map((o) => (isIoFailure(o) ? { ok: false as const, error: full } : o)) };
}

/** The engine host's API, as the facade sees it through comlink or in-process. */
export type EngineHost = ReturnType<typeof createEngineHost>;
