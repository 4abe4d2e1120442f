import { set, setMany } from 'idb-keyval';
import { current, rotated, sampleValue, time } from './context.js';

/**
 * (1) n awaited outputs.put one after another vs n awaited idb-keyval set;
 * for information, n awaited one-row transactions in the raw SQLite worker.
 */
export async function sequentialWrites(rep: number, n: number): Promise<Record<string, number>> {
  const { a, kv, kvStrict, raw } = current();
  const out: Record<string, number> = {};
  await rotated(rep, [
    async () => {
      out['put.seq'] = await time(async () => {
        for (let i = 0; i < n; i++) await a.outputs.put(`seq-${rep}`, `n${i}`, sampleValue(i));
      });
    },
    async () => {
      out['idb.set.seq'] = await time(async () => {
        for (let i = 0; i < n; i++) await set(`seq-${rep}-${i}`, sampleValue(i), kv);
      });
    },
    async () => {
      out['raw.seq'] = await time(async () => {
        for (let i = 0; i < n; i++) await raw.insert([[`rawseq-${rep}`, `n${i}`, sampleValue(i)]]);
      });
    },
    async () => {
      out['idb.set.seq.strict'] = await time(async () => {
        for (let i = 0; i < n; i++) await set(`seq-${rep}-${i}`, sampleValue(i), kvStrict);
      });
    },
  ]);
  return out;
}

/** (2) n concurrent outputs.put (one Promise.all) vs idb-keyval setMany vs raw SQLite in one transaction. */
export async function concurrentWrites(rep: number, n: number): Promise<Record<string, number>> {
  const { a, kv, raw } = current();
  const out: Record<string, number> = {};
  const entries: [string, unknown][] = Array.from({ length: n }, (_, i) => [`many-${rep}-${i}`, sampleValue(i)]);
  const rows: [string, string, unknown][] = Array.from({ length: n }, (_, i) => [`raw-${rep}`, `n${i}`, sampleValue(i)]);
  await rotated(rep, [
    async () => {
      out['put.concurrent'] = await time(() =>
        Promise.all(Array.from({ length: n }, (_, i) => a.outputs.put(`many-${rep}`, `n${i}`, sampleValue(i)))),
      );
    },
    async () => {
      out['idb.setMany'] = await time(() => setMany(entries, kv));
    },
    async () => {
      let inWorker = 0;
      out['raw.tx'] = await time(async () => {
        inWorker = (await raw.insert(rows)).inWorker ?? NaN;
      });
      out['raw.tx.inWorker'] = inWorker;
    },
  ]);
  return out;
}
