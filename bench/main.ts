// The bench page: bench/run.mjs calls these through page.evaluate, one repetition at a time.
import { setup, teardown } from './context.js';
import { NotAvailable } from './optional-api.js';
import { forwardedReads, sequentialReads } from './reads.js';
import { streamThroughput } from './streams.js';
import { batchLoad, concurrentLoad, prepareTables, tableOps } from './tables.js';
import { crossInstanceWake } from './wake.js';
import { dexieSideBySide } from './dexie.js';
import { closeFallback, fallbackWrites, prepareFallback } from './idb-fallback.js';
import { liveQueries } from './live.js';
import { concurrentWrites, sequentialWrites } from './writes.js';

/** Runs `fn`; a module that is not built yet becomes `{ na: reason }` instead of an error. */
function guarded<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R | { na: string }> => {
    try {
      return await fn(...args);
    } catch (err) {
      if (err instanceof NotAvailable) return { na: err.message };
      throw err;
    }
  };
}

const bench = {
  setup,
  teardown,
  sequentialWrites,
  concurrentWrites,
  sequentialReads,
  forwardedReads,
  crossInstanceWake: guarded(crossInstanceWake),
  prepareTables: guarded(prepareTables),
  tableOps: guarded(tableOps),
  batchLoad: guarded(batchLoad),
  concurrentLoad: guarded(concurrentLoad),
  streamThroughput: guarded(streamThroughput),
  liveQueries,
  dexieSideBySide,
  prepareFallback,
  fallbackWrites,
  closeFallback,
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}

window.bench = bench;
