import { current } from './context.js';
import { streamsOf } from './optional-api.js';

/** Resolves after `ms` (only to let a tail settle into waiting; never inside a timed span). */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * (4) Cross-instance wake: store a appends, store b's blocking tail resolves;
 * `trials` times, beside `trials` bare BroadcastChannel round trips between two workers.
 */
export async function crossInstanceWake(rep: number, trials: number): Promise<Record<string, number[]>> {
  const { a, b, pingWorker, bcChannel } = current();
  const sa = streamsOf(a);
  const sb = streamsOf(b);
  const stream = `wake-${rep}`;
  const wake: number[] = [];
  const commit: number[] = [];
  for (let i = 0; i < trials; i++) {
    const tail = sb.tail(stream, { after: i, blockMs: 10_000 });
    // Let the tail's first read come back empty, so it is waiting on change notices when the append lands.
    await pause(15);
    const t0 = performance.now();
    const appended = sa.append(stream, { data: { i } }).then(() => commit.push(performance.now() - t0));
    const page = await tail;
    wake.push(performance.now() - t0);
    await appended;
    if (page.frames[0]?.seq !== i + 1) throw new Error(`tail woke with ${JSON.stringify(page.frames[0])}, expected seq ${i + 1}`);
  }
  const bc = await new Promise<number[]>((resolve) => {
    pingWorker.onmessage = (event: MessageEvent<number[]>) => resolve(event.data);
    pingWorker.postMessage({ role: 'ping', channel: bcChannel, trials });
  });
  const afterCommit = wake.map((w, i) => w - commit[i]!);
  return { wake, 'wake.commit': commit, 'wake.afterCommit': afterCommit, 'bc.rt': bc };
}
