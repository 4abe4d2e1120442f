import { wrap, type Remote } from 'comlink';
import { createStore, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import { openStore, type Store } from '../src/index.js';
import type { Bare } from './bare.worker.js';
import { RawSqlite } from './raw-client.js';
import { closePglite } from './pglite.js';

/** Everything one bench run opens once and every scenario shares. */
export type Ctx = {
  prefix: string;
  /** The leader: opened first, owns the worker. */
  a: Store;
  /** A second instance of a's database in this page: a follower that forwards its calls. */
  b: Store;
  kv: UseStore;
  kvStrict: UseStore;
  raw: RawSqlite;
  bare: Remote<Bare>;
  bareWorker: Worker;
  echoWorker: Worker;
  pingWorker: Worker;
  bcChannel: string;
};

let ctx: Ctx | undefined;

/** The open run; throws if setup() has not run. */
export function current(): Ctx {
  if (!ctx) throw new Error('bench.setup() first');
  return ctx;
}

/** A small JSON value, the same for every store compared. */
export function sampleValue(i: number) {
  return { status: 'ok', score: i, tags: ['alpha', 'beta'], note: 'a short note about this value' };
}

/** The read set every read scenario uses: N outputs and N idb-keyval entries. */
export const READ_RUN = 'read';

/**
 * An idb-keyval store whose transactions ask for durability 'strict', like
 * a flowstore commit; idb-keyval's own store uses the browser's default.
 */
function strictStore(dbName: string, storeName: string): UseStore {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const db = promisifyRequest(request);
  return (mode, callback) => db.then((d) => callback(d.transaction(storeName, mode, { durability: 'strict' }).objectStore(storeName)));
}

/** Opens every store and worker the scenarios use, under names unique to this run. */
export async function setup(prefix: string, n: number) {
  const name = `bench-${prefix}`;
  const a = await openStore({ name, storage: 'opfs' });
  const b = await openStore({ name, storage: 'opfs' });
  const kv = createStore(`bench-kv-${prefix}`, 'kv');
  const kvStrict = strictStore(`bench-kv-strict-${prefix}`, 'kv');
  const raw = new RawSqlite();
  await raw.open(`floor-${prefix}`);
  const bareWorker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module' });
  const bare = wrap<Bare>(bareWorker);
  await bare.noop();
  const bcChannel = `bench-bc-${prefix}`;
  const echoWorker = new Worker(new URL('./bc-echo.worker.ts', import.meta.url), { type: 'module' });
  await new Promise((resolve) => {
    echoWorker.onmessage = resolve;
    echoWorker.postMessage({ role: 'echo', channel: bcChannel });
  });
  const pingWorker = new Worker(new URL('./bc-echo.worker.ts', import.meta.url), { type: 'module' });
  ctx = { prefix, a, b, kv, kvStrict, raw, bare, bareWorker, echoWorker, pingWorker, bcChannel };

  await Promise.all(Array.from({ length: n }, (_, i) => a.outputs.put(READ_RUN, `n${i}`, sampleValue(i))));
  await setMany(
    Array.from({ length: n }, (_, i) => [`${READ_RUN}-${i}`, sampleValue(i)]),
    kv,
  );
  return { roles: [a.role, b.role], storage: a.storage, userAgent: navigator.userAgent };
}

/** Closes everything setup() opened. */
export async function teardown(): Promise<void> {
  if (!ctx) return;
  const c = ctx;
  ctx = undefined;
  await c.b.close();
  await c.a.close();
  await c.raw.close();
  await closePglite();
  for (const w of [c.bareWorker, c.echoWorker, c.pingWorker]) w.terminate();
}

/** Runs `fns` in an order rotated by `rep`, so no variant always runs first. */
export async function rotated(rep: number, fns: (() => Promise<void>)[]): Promise<void> {
  for (let i = 0; i < fns.length; i++) await fns[(i + rep) % fns.length]!();
}

/** Milliseconds `fn` takes. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
