// (5) Cold open, on a production build: flowstore's openStore → first query
// vs a bare worker that inits sqlite-wasm, installs sahpool and opens.
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
  for (const step of rep % 2 === 0 ? [flowstore, bare] : [bare, flowstore]) await step();
  return out;
}

const coldBench = { coldOpen };

declare global {
  interface Window {
    coldBench: typeof coldBench;
  }
}

window.coldBench = coldBench;
