import { Dexie, liveQuery, type EntityTable } from 'dexie';
import type { Store } from '../src/index.js';
import { current } from './context.js';

type Item = { id?: number; n: number };
type Value = { id: string; n: number };
const schema = { fields: { n: { type: 'integer', required: true } } } as const;

/** The newest count a live query delivered, and a way to wait until it reaches a number. */
function watcher() {
  let latest = -1;
  let waiting: { n: number; resolve: () => void } | undefined;
  return {
    next(n: number) {
      latest = n;
      if (waiting && n >= waiting.n) {
        waiting.resolve();
        waiting = undefined;
      }
    },
    reach(n: number): Promise<void> {
      if (latest >= n) return Promise.resolve();
      return new Promise((resolve) => (waiting = { n, resolve }));
    },
  };
}

/** Times `trials` writes in A until B's live count shows each, then (if `burst` > 0) one burst of `burst` concurrent writes. */
async function drive(
  trials: number,
  burst: number,
  write: (n: number) => Promise<unknown>,
  seen: ReturnType<typeof watcher>,
  runs: () => number,
) {
  await seen.reach(0);
  const wake: number[] = [];
  const commit: number[] = [];
  for (let i = 1; i <= trials; i++) {
    const t0 = performance.now();
    const written = write(i).then(() => commit.push(performance.now() - t0));
    await seen.reach(i);
    wake.push(performance.now() - t0);
    await written;
  }
  if (burst === 0) return { wake, commit };
  const before = runs();
  const t0 = performance.now();
  const written = Promise.all(Array.from({ length: burst }, (_, i) => write(trials + 1 + i)));
  await seen.reach(trials + burst);
  const total = performance.now() - t0;
  await written;
  return { wake, commit, burst: { total, runs: runs() - before } };
}

/**
 * (9) Live queries: A writes a row, B's live count of the table updates
 * (`trials` times), then a burst of `burst` concurrent writes (0: none; the
 * driver asks for it once, as Dexie's 10,000 separate transactions take long);
 * the same with two Dexie instances of one IndexedDB database and Dexie's
 * liveQuery, and bare BroadcastChannel round trips between two workers beside them.
 */
export async function liveQueries(rep: number, trials: number, burst: number): Promise<Record<string, number | number[]>> {
  const { a, b, prefix, pingWorker, bcChannel } = current();
  const table = `live_${rep}`;
  const ta = await a.table(table, schema);
  let runs = 0;
  const seen = watcher();
  const off = b
    .live(async (s: Store) => {
      runs++;
      return (await s.table(table, schema)).count();
    })
    .subscribe((n) => seen.next(n));
  const ours = await drive(
    trials,
    burst,
    (n) => ta.create({ n }),
    seen,
    () => runs,
  );
  off();

  const name = `bench-dexie-${prefix}-${rep}`;
  const open = () => {
    const db = new Dexie(name) as Dexie & { items: EntityTable<Item, 'id'> };
    db.version(1).stores({ items: '++id' });
    return db;
  };
  const da = open();
  const db = open();
  let dexieRuns = 0;
  const dexieSeen = watcher();
  const sub = liveQuery(() => {
    dexieRuns++;
    return db.items.count();
  }).subscribe({ next: (n) => dexieSeen.next(n) });
  const dexie = await drive(
    trials,
    burst,
    (n) => da.items.add({ n }),
    dexieSeen,
    () => dexieRuns,
  );
  sub.unsubscribe();
  da.close();
  db.close();
  await Dexie.delete(name);

  // The same with Dexie's durable commits (as flowstore's are): a write resolves once it is flushed.
  const strictName = `${name}-strict`;
  const sa = new Dexie(strictName, { chromeTransactionDurability: 'strict' }) as Dexie & { items: EntityTable<Item, 'id'> };
  sa.version(1).stores({ items: '++id' });
  const sb = new Dexie(strictName, { chromeTransactionDurability: 'strict' }) as Dexie & { items: EntityTable<Item, 'id'> };
  sb.version(1).stores({ items: '++id' });
  const strictSeen = watcher();
  const strictSub = liveQuery(() => sb.items.count()).subscribe({ next: (n) => strictSeen.next(n) });
  const strict = await drive(
    trials,
    0,
    (n) => sa.items.add({ n }),
    strictSeen,
    () => 0,
  );
  strictSub.unsubscribe();
  sa.close();
  sb.close();
  await Dexie.delete(strictName);

  // A value in hand: a globals key in B's live view, written in A (its notice carries small values, so B reads nothing back).
  const key = `live-value-${rep}`;
  const valueSeen = watcher();
  const offValue = b.globals.live(key).subscribe((v) => valueSeen.next((v as { n?: number } | undefined)?.n ?? 0));
  const value = await drive(
    trials,
    0,
    (n) => a.globals.upsert(key, { n }),
    valueSeen,
    () => 0,
  );
  offValue();
  const valueName = `${name}-value`;
  const va = new Dexie(valueName) as Dexie & { kv: EntityTable<Value, 'id'> };
  va.version(1).stores({ kv: 'id' });
  const vb = new Dexie(valueName) as Dexie & { kv: EntityTable<Value, 'id'> };
  vb.version(1).stores({ kv: 'id' });
  const dexieValueSeen = watcher();
  const valueSub = liveQuery(() => vb.kv.get(key)).subscribe({ next: (v) => dexieValueSeen.next(v?.n ?? 0) });
  const dexieValue = await drive(
    trials,
    0,
    (n) => va.kv.put({ id: key, n }),
    dexieValueSeen,
    () => 0,
  );
  valueSub.unsubscribe();
  va.close();
  vb.close();
  await Dexie.delete(valueName);

  const bc = await new Promise<number[]>((resolve) => {
    pingWorker.onmessage = (event: MessageEvent<number[]>) => resolve(event.data);
    pingWorker.postMessage({ role: 'ping', channel: bcChannel, trials });
  });
  const figures: Record<string, number | number[]> = {
    'live.wake': ours.wake,
    'live.wake.commit': ours.commit,
    'live.dexie.wake': dexie.wake,
    'live.dexie.wake.commit': dexie.commit,
    'live.dexie.strict.wake': strict.wake,
    'live.value.wake': value.wake,
    'live.dexie.value.wake': dexieValue.wake,
    'live.bc.rt': bc,
  };
  if (ours.burst && dexie.burst) {
    figures['live.burst'] = ours.burst.total;
    figures['live.burst.runs'] = ours.burst.runs;
    figures['live.dexie.burst'] = dexie.burst.total;
    figures['live.dexie.burst.runs'] = dexie.burst.runs;
  }
  return figures;
}
