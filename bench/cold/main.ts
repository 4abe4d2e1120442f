// (5) Cold open, on a production build: flowstore's openStore → first query
// vs a bare worker that inits sqlite-wasm, installs sahpool and opens, and vs
// Dexie's open → first get, each on an existing database.
import { Dexie } from 'dexie';
import { openStore } from '../../src/index.js';
import { RawSqlite } from '../raw-client.js';

async function flowstoreOpen(name: string): Promise<number> {
  const t0 = performance.now();
  const store = await openStore({ name, storage: 'opfs' });
  await store.outputs.get('run', 'node');
  const ms = performance.now() - t0;
  await store.close();
  return ms;
}

async function bareOpen(dir: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const raw = new RawSqlite();
  const phases = await raw.open(dir);
  const ms = performance.now() - t0;
  await raw.close();
  return { ms, ...phases };
}

/** Dexie as its users open it: a new Dexie, its schema, open, one point read (its first use in this page's thread is warm, as flowstore's worker script is). */
async function dexieOpen(name: string): Promise<number> {
  const t0 = performance.now();
  const db = new Dexie(name);
  db.version(1).stores({ kv: 'key' });
  await db.table('kv').get('run/node');
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

/** One repetition: a first open (new database) and a reopen (existing database) of each. */
async function coldOpen(prefix: string, rep: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const flowstore = async () => {
    const name = `cold-${prefix}-${rep}`;
    out['cold.first'] = await flowstoreOpen(name);
    out['cold.reopen'] = await flowstoreOpen(name);
  };
  const bare = async () => {
    const dir = `cold-${prefix}-${rep}`;
    out['bare.first'] = (await bareOpen(dir)).ms!;
    const again = await bareOpen(dir);
    out['bare.reopen'] = again.ms!;
    out['bare.reopen.init'] = again.init!;
    out['bare.reopen.pool'] = again.pool!;
    out['bare.reopen.open'] = again.open!;
  };
  const dexie = async () => {
    const name = `cold-dexie-${prefix}-${rep}`;
    out['dexie.first'] = await dexieOpen(name);
    out['dexie.reopen'] = await dexieOpen(name);
  };
  const order = [flowstore, bare, dexie];
  for (let i = 0; i < order.length; i++) await order[(i + rep) % order.length]!();
  return out;
}

const coldBench = { coldOpen };

declare global {
  interface Window {
    coldBench: typeof coldBench;
    /** A visit's result: ms from navigation start to the first read resolved. */
    coldVisit?: number | { error: string };
  }
}

window.coldBench = coldBench;

/**
 * `?visit=flowstore|dexie&name=…`: this navigation opens that existing
 * database and reads once, as an app's first screen does; the time is
 * measured from navigation start (performance.now()'s origin).
 */
async function visit(kind: string, name: string): Promise<number> {
  if (kind === 'flowstore') {
    const store = await openStore({ name, storage: 'opfs' });
    await store.outputs.get('run', 'node');
    const ms = performance.now();
    await store.close();
    return ms;
  }
  const db = new Dexie(name);
  db.version(1).stores({ kv: 'key' });
  await db.table('kv').get('run/node');
  const ms = performance.now();
  db.close();
  return ms;
}

const params = new URLSearchParams(location.search);
const kind = params.get('visit');
if (kind) {
  visit(kind, params.get('name') ?? '').then(
    (ms) => (window.coldVisit = ms),
    (err: unknown) => (window.coldVisit = { error: String(err) }),
  );
}
