import { Batcher } from './client/batcher.js';
import { ChangeFeed } from './client/change-feed.js';
import { connect } from './client/connect.js';
import type { Connection, InProcessOpener } from './client/connection.js';
import { ValidationError, type DumpError } from './shared/errors.js';
import { Globals } from './api/globals.js';
import { Outputs } from './api/outputs.js';
import { Records } from './api/records.js';
import { Streams } from './api/streams.js';
import type { TableSchema } from './shared/table-schema.js';
import { openSchema, Table } from './api/table.js';
import type { ModuleContext } from './api/module-context.js';
import type { ServerParts } from './engine/storage/open-storage.js';
import { LiveQuery } from './api/live/live-query.js';
import { imageBytes, type ImageSource } from './api/image-bytes.js';
import type { Change, DurableObjectStorageLike, FileDriverName, JsonObject, Role, StorageKind } from './shared/types.js';
import { assertDatabaseName } from './shared/database-name.js';
import { plain } from './shared/snapshot.js';
import { assertFilePath, assertInt, describe } from './shared/validate.js';
import { publicChange } from './shared/change-notice.js';

/** The longest delay a timer takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Options of {@link openStore}. */
export type StoreOptions = {
  /** One database per name per origin. */
  name: string;
  /**
   * Where data lives. 'auto' picks OPFS and warns once if it has to fall back.
   * @default 'auto'
   */
  storage?: 'auto' | 'opfs' | 'idb' | 'memory';
  /**
   * Run SQLite in a dedicated Web Worker. `false` runs it on this thread (Node, edge).
   * @default true where Worker exists
   */
  worker?: boolean;
  /**
   * Browser: the URL of flowstore's database worker (`dist/worker/db.worker.js`,
   * with `sqlite3.wasm` beside it), for setups where the bundler does not find
   * it on its own. Vite and webpack need nothing here.
   * @default the `worker/db.worker.js` beside flowstore's code or the bundle that contains it
   */
  workerUrl?: string | URL;
  /**
   * Node, Deno, Bun: the SQLite file to keep the database in (created with its
   * directory if missing; `store.storage` is then 'file'). The file is held
   * exclusively: a second store or process opening it gets a StorageError
   * (sqliteCode 5, SQLITE_BUSY).
   */
  path?: string;
  /**
   * Node, Deno, Bun, with `path`: which SQLite binding to use.
   * @default 'bun:sqlite' on Bun, else 'node:sqlite' where the runtime has it, else 'better-sqlite3' if installed
   */
  driver?: FileDriverName;
  /**
   * Cloudflare: the Durable Object's `ctx.storage` (a SQLite-backed class):
   * one object is one database; `store.storage` is then 'durable-object'.
   */
  durableObject?: DurableObjectStorageLike;
  /**
   * How long a call may wait for the tab that owns the database before it
   * rejects with TimeoutError.
   * @default 10000
   */
  leaderTimeoutMs?: number;
};

/**
 * Opens (creating if needed) the database `name` and returns its store.
 * Schema migrations run before this resolves. This is the browser build: its
 * engine runs in a Web Worker only (`worker: false` needs `flowstore/in-process`);
 * on Node, Deno, Bun and workerd, `import { openStore } from 'flowstore'`
 * resolves to the server build, which also takes `path` and `durableObject`.
 * @throws ValidationError for bad options, or on a server runtime given neither a place to keep data nor storage: 'memory'.
 */
export function openStore(options: StoreOptions): Promise<Store> {
  return openStoreWith(options);
}

/** @internal What an entry adds to the browser build: the engine on this thread, server storage. */
export type RuntimeParts = {
  inProcess?: () => Promise<InProcessOpener>;
  server?: () => Promise<ServerParts>;
};

const FILE_DRIVERS: readonly string[] = ['node:sqlite', 'better-sqlite3', 'bun:sqlite'];

/** @internal openStore, given what the entry carries beyond the browser build. */
export async function openStoreWith(options: StoreOptions, parts: RuntimeParts = {}): Promise<Store> {
  const { inProcess, server } = parts;
  options = plain(options);
  if (typeof options !== 'object' || options === null) throw new ValidationError('openStore() takes an options object', 'options');
  assertDatabaseName(options.name);
  const storage = options.storage ?? 'auto';
  if (!['auto', 'opfs', 'idb', 'memory'].includes(storage)) {
    throw new ValidationError(`storage must be 'auto', 'opfs', 'idb' or 'memory', got ${describe(storage)}`, 'storage');
  }
  if (options.worker !== undefined && typeof options.worker !== 'boolean') {
    throw new ValidationError(`worker must be true or false, got ${describe(options.worker)}`, 'worker');
  }
  const workerUrl = checkWorkerUrl(options.workerUrl);
  const leaderTimeoutMs = options.leaderTimeoutMs ?? 10_000;
  assertInt(leaderTimeoutMs, 'leaderTimeoutMs', 1, MAX_TIMER_MS);
  const runtime = serverRuntime();
  const serverSide = checkServerOptions(options, storage, runtime, server !== undefined);
  const worker = !serverSide && (options.worker ?? (runtime === undefined && typeof Worker !== 'undefined'));
  // Listen before the database opens: a BroadcastChannel registers asynchronously,
  // and a notice posted before it is registered never arrives. An engine in this
  // thread hands its notices to the feed directly.
  const feed = new ChangeFeed(options.name, worker);
  let conn: Connection;
  try {
    conn = await connect({
      name: options.name,
      storage,
      ...(options.path !== undefined && { path: options.path }),
      ...(options.driver !== undefined && { driver: options.driver }),
      ...(options.durableObject !== undefined && { durableObject: options.durableObject }),
      worker,
      leaderTimeoutMs,
      ...(workerUrl !== undefined && { workerUrl }),
      ...(inProcess && { inProcess }),
      ...(server && { server }),
      ...(!worker && { notify: (changes) => feed.deliver(changes), dumpError: (error) => feed.deliverDumpError(error) }),
    });
  } catch (err) {
    feed.close();
    throw err;
  }
  return new Store(options.name, conn, feed);
}

/** True if the options ask for server storage (a file or a Durable Object); throws ValidationError for what cannot work. */
function checkServerOptions(options: StoreOptions, storage: string, runtime: string | undefined, hasServer: boolean): boolean {
  const { path, durableObject, driver } = options;
  if (path !== undefined && (typeof path !== 'string' || path === ''))
    throw new ValidationError('path must be a non-empty file path', 'path');
  if (path !== undefined) assertFilePath(path, 'path');
  if (durableObject !== undefined && !isDurableObjectStorage(durableObject)) {
    throw new ValidationError(
      "durableObject must be a Durable Object's ctx.storage, of a class with SQLite storage (new_sqlite_classes in its migration)",
      'durableObject',
    );
  }
  if (driver !== undefined && (path === undefined || !FILE_DRIVERS.includes(driver))) {
    throw new ValidationError(`driver is one of ${FILE_DRIVERS.join(', ')}, and goes with path`, 'driver');
  }
  const serverSide = path !== undefined || durableObject !== undefined;
  if (!serverSide) {
    if (runtime !== undefined && storage === 'auto') {
      throw new ValidationError(
        `${runtime} has no browser storage, and flowstore never keeps data only in memory unless asked: pass path (a SQLite file, e.g. openStore({ name: '${options.name}', path: './data/${options.name}.sqlite3' })), durableObject: ctx.storage inside a Durable Object, or storage: 'memory' for a store that is lost when the process ends`,
        'path',
      );
    }
    return false;
  }
  if (path !== undefined && durableObject !== undefined) throw new ValidationError('pass either path or durableObject, not both', 'path');
  if (storage !== 'auto')
    throw new ValidationError(`storage '${storage}' does not go with ${path !== undefined ? 'path' : 'durableObject'}`, 'storage');
  if (options.worker === true)
    throw new ValidationError('a file or Durable Object store runs in this thread: leave worker unset', 'worker');
  if (!hasServer) {
    throw new ValidationError(
      `${path !== undefined ? 'path' : 'durableObject'} needs flowstore's server build; in Node, Deno, Bun and workerd, 'flowstore' resolves to it (this is the browser build)`,
      path !== undefined ? 'path' : 'durableObject',
    );
  }
  return true;
}

/** The worker URL as an absolute string (resolved against the page), or a ValidationError for one that is not a URL. */
function checkWorkerUrl(url: unknown): string | undefined {
  if (url === undefined) return undefined;
  if (url instanceof URL) return url.href;
  if (typeof url === 'string' && url !== '') {
    try {
      return new URL(url, globalThis.location?.href).href;
    } catch {
      // Falls through to the error: relative with no page to resolve against, or not a URL at all.
    }
  }
  throw new ValidationError(`workerUrl must be a URL, absolute or relative to the page, got ${describe(url)}`, 'workerUrl');
}

function isDurableObjectStorage(value: unknown): value is DurableObjectStorageLike {
  const v = value as Partial<DurableObjectStorageLike> | null;
  return typeof v === 'object' && v !== null && typeof v.transactionSync === 'function' && typeof v.sql?.exec === 'function';
}

/** The server runtime this code runs in (no OPFS, no IndexedDB, no browser worker), if it is one. */
function serverRuntime(): string | undefined {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
    window?: unknown;
    WorkerGlobalScope?: unknown;
    navigator?: { userAgent?: string };
  };
  if (g.Deno !== undefined) return 'Deno';
  if (g.Bun !== undefined) return 'Bun';
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'Cloudflare Workers';
  if (g.process?.versions?.node !== undefined && g.window === undefined && g.WorkerGlobalScope === undefined) return 'Node';
  return undefined;
}

/** How a live query's run sees its store: the real store, with its reads tracked. */
type StoreView = {
  root: Store;
  ctx: ModuleContext;
  /** Tables this live query opened, by name and schema: a re-run must not open them again. */
  tables: Map<string, Promise<TableSchema>>;
};

/** A durable store: outputs, globals, records, tables and streams over one SQLite database. */
export class Store {
  readonly name: string;
  /** Write-once values keyed by (run, node). */
  readonly outputs: Outputs;
  /** Global key/value: write-once `put`, overwriting `upsert`. */
  readonly globals: Globals;
  /** Append-only, immutable records with lineage. */
  readonly records: Records;
  /** Per-(stream, attempt) frame logs with blocking tail and follow. */
  readonly streams: Streams;
  readonly #conn: Connection;
  readonly #batcher: Batcher;
  /** Carries live queries' reads only, so each answer saw exactly one committed version. */
  readonly #reads: Batcher;
  /** What the modules call through: the batcher, or in a live query's view, its read tracker. */
  readonly #ctx: ModuleContext;
  /** The store's own context (opening tables, new live queries). */
  readonly #root: ModuleContext;
  readonly #view: StoreView | undefined;
  readonly #feed: ChangeFeed;
  #closing: Promise<void> | undefined;

  /** @internal use {@link openStore} */
  constructor(name: string, conn: Connection, feed: ChangeFeed, view?: StoreView) {
    this.name = name;
    this.#conn = conn;
    this.#feed = feed;
    if (view) {
      this.#batcher = view.root.#batcher;
      this.#reads = view.root.#reads;
      this.#root = view.root.#root;
      this.#ctx = view.ctx;
      this.#view = view;
    } else {
      this.#batcher = new Batcher((calls) => conn.send(calls));
      this.#reads = new Batcher((calls) => conn.send(calls));
      this.#ctx = this.#root = { batcher: this.#batcher, feed, reads: this.#reads, watches: conn.watches };
    }
    if (!view) {
      conn.onEnded(() => this.#end());
      conn.onLeaderChange?.(() => feed.recheck());
    }
    this.outputs = new Outputs(this.#ctx);
    this.globals = new Globals(this.#ctx);
    this.records = new Records(this.#ctx);
    this.streams = new Streams(this.#ctx);
  }

  /**
   * Opens (creating if needed) the table `name`, whose rows are checked against `schema`.
   * @throws ValidationError if the name or the schema is not valid.
   */
  async table<T extends object = JsonObject>(name: string, schema: TableSchema): Promise<Table<T>> {
    const view = this.#view;
    if (!view) return new Table<T>(this.#ctx, name, await openSchema(this.#root, name, schema), this.name);
    const key = `${name}\u0000${JSON.stringify(schema)}`;
    let opened = view.tables.get(key);
    if (!opened) {
      opened = openSchema(this.#root, name, schema);
      view.tables.set(key, opened);
      // A failed open is tried again by the next run.
      opened.catch(() => view.tables.delete(key));
    }
    return new Table<T>(this.#ctx, name, await opened, this.name);
  }

  /**
   * Runs `query` now and again after every committed change, from any tab or
   * worker, that could change its result; see {@link LiveQuery}. `query`
   * gets a view of this store whose reads are tracked: it re-runs only when
   * a change touches what it read (the table, the key, the run, the stream
   * attempt). It must only read: a write in it rejects with ValidationError.
   */
  live<T>(query: (store: Store) => Promise<T>): LiveQuery<T> {
    if (typeof query !== 'function') throw new ValidationError(`live() takes a query function, got ${describe(query)}`, 'query');
    const root = this.#view?.root ?? this;
    const tables = new Map<string, Promise<TableSchema>>();
    return new LiveQuery(this.#root, (ctx) => query(new Store(this.name, this.#conn, this.#feed, { root, ctx, tables })));
  }

  /** The storage really in use. */
  get storage(): StorageKind {
    return this.#conn.storage;
  }

  /** Whether this instance owns the database file now ('leader') or forwards to the one that does. */
  get role(): Role {
    return this.#conn.role;
  }

  /** Calls `listener` when this instance's role changes; returns the unsubscribe function. */
  onRoleChange(listener: (role: Role) => void): () => void {
    assertListener(listener);
    return this.#conn.onRoleChange(listener);
  }

  /**
   * Calls `listener` after each committed change to this database, made by any
   * store instance in any tab or worker of the origin. Returns the unsubscribe function.
   */
  onChange(listener: (change: Change) => void): () => void {
    assertListener(listener);
    // What a notice carries is for waiting readers and live queries; listeners get the Change as documented.
    return this.#feed.subscribe((notice) => listener(publicChange(notice)));
  }

  /**
   * Calls `listener` when Markdown files of a table's dump could not be
   * written (or removed), in whichever tab writes them (the leader's). The
   * rows are committed all the same, and the write that caused it resolved;
   * the files stay marked as behind and are brought up to date when the
   * store is next opened, or the table is opened again with its dump.
   * Returns the unsubscribe function.
   */
  onDumpError(listener: (error: DumpError) => void): () => void {
    assertListener(listener);
    return this.#feed.subscribeDumpErrors(listener);
  }

  /** A consistent SQLite image of the whole database (a valid .sqlite3 file). */
  async export(): Promise<Uint8Array> {
    return this.#ctx.batcher.call('db.export');
  }

  /**
   * Replaces the whole database by `image` (what {@link export} returns, here
   * or in another store), atomically: it is checked first on a private copy
   * (SQLite header, `PRAGMA integrity_check`, a flowstore schema no newer than
   * this code's; an older one is migrated), then copied in inside one
   * transaction, so a failure leaves the database exactly as it was. From a
   * follower the leader does it. Every store instance of the database, in
   * every tab, then hears one change notice `{ module: 'database', key:
   * 'import' }`: tails, follow and live queries read again. A Uint8Array
   * joins the calls made beside it in order; a Blob or stream is read first.
   * @throws ValidationError saying why the image was refused (not SQLite, damaged, another app's database, newer schema).
   * @throws StorageError in a Durable Object, whose database cannot be replaced.
   */
  import(image: ImageSource): Promise<void> {
    if (this.#view) return Promise.reject(viewCannot('import into'));
    if (image instanceof Uint8Array) return this.#ctx.batcher.call('db.import', image);
    return imageBytes(image).then((bytes) => this.#ctx.batcher.call('db.import', bytes));
  }

  /**
   * Runs one read-only PRAGMA, EXPLAIN or SELECT and returns its rows; for
   * diagnostics (integrity_check, query plans).
   */
  async inspect(sql: string): Promise<Record<string, unknown>[]> {
    return this.#ctx.batcher.call('db.inspect', sql);
  }

  /**
   * Waits for calls already made, then releases the database (and, if this
   * instance led, hands it to another tab). Later calls reject with ClosedError.
   */
  close(): Promise<void> {
    if (this.#view) return Promise.reject(viewCannot('close'));
    this.#closing ??= (async () => {
      this.#batcher.close();
      this.#reads.close();
      await Promise.all([this.#batcher.drain(), this.#reads.drain()]);
      // Ends every live query of this store.
      this.#feed.close();
      await this.#conn.close();
    })();
    return this.#closing;
  }

  /** The connection ended on its own (deleteStore() deleted the database): later calls reject with ClosedError, live queries end. */
  #end(): void {
    this.#closing ??= (async () => {
      this.#batcher.close();
      this.#reads.close();
      this.#feed.close();
      await this.#conn.close();
    })();
  }

  /**
   * @internal Tests only: stops as a crashed tab would — the worker is killed
   * with no clean close, so the next open must recover from what is on disk.
   */
  async simulateCrash(): Promise<void> {
    if (this.#view) throw viewCannot('crash');
    this.#closing ??= (async () => {
      this.#batcher.close();
      this.#reads.close();
      this.#feed.close();
      await this.#conn.crash();
    })();
    return this.#closing;
  }

  /** @internal Tests only: the calls this instance sends, to count them. */
  get batcher(): Batcher {
    return this.#batcher;
  }

  /** @internal Tests only: the batcher of live queries' reads, to count them. */
  get reads(): Batcher {
    return this.#reads;
  }

  /** @internal Tests only: this instance's change notices, to cut them off. */
  get feed(): ChangeFeed {
    return this.#feed;
  }
}

function viewCannot(what: string): ValidationError {
  return new ValidationError(`a live query's store cannot ${what} the store; do that with the store itself, outside the query`, 'query');
}

function assertListener(listener: unknown): void {
  if (typeof listener !== 'function') throw new ValidationError(`a listener must be a function, got ${describe(listener)}`, 'listener');
}
