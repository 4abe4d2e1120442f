// Page side of `npm run bench:journal`: starts the worker that does the measuring.
import type { JournalRow } from './journal.worker.js';

function run(prefix: string, commits: number, rounds: number): Promise<JournalRow[]> {
  const worker = new Worker(new URL('./journal.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ rows?: JournalRow[]; error?: string }>) => {
      worker.terminate();
      if (event.data.rows) resolve(event.data.rows);
      else reject(new Error(event.data.error));
    };
    worker.postMessage({ prefix, commits, rounds });
  });
}

const journalBench = { run };

declare global {
  interface Window {
    journalBench: typeof journalBench;
  }
}

window.journalBench = journalBench;
