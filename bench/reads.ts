import { get } from 'idb-keyval';
import { current, READ_RUN, rotated, time } from './context.js';

/** (3) n awaited outputs.get vs n bare comlink round trips vs n awaited idb-keyval get. */
export async function sequentialReads(rep: number, n: number): Promise<Record<string, number>> {
  const { a, bare, kv } = current();
  const out: Record<string, number> = {};
  await rotated(rep, [
    async () => {
      out['get.seq'] = await time(async () => {
        for (let i = 0; i < n; i++) await a.outputs.get(READ_RUN, `n${i}`);
      });
    },
    async () => {
      out['comlink.rt'] = await time(async () => {
        for (let i = 0; i < n; i++) await bare.noop();
      });
    },
    async () => {
      out['idb.get.seq'] = await time(async () => {
        for (let i = 0; i < n; i++) await get(`${READ_RUN}-${i}`, kv);
      });
    },
  ]);
  return out;
}

/** (8) n awaited outputs.get through the leader instance vs through a follower that forwards to it. */
export async function forwardedReads(rep: number, n: number): Promise<Record<string, number>> {
  const { a, b } = current();
  if (b.role !== 'follower') throw new Error(`the second store should be a follower, it is ${b.role}`);
  const out: Record<string, number> = {};
  await rotated(rep, [
    async () => {
      out['get.local'] = await time(async () => {
        for (let i = 0; i < n; i++) await a.outputs.get(READ_RUN, `n${i}`);
      });
    },
    async () => {
      out['get.forwarded'] = await time(async () => {
        for (let i = 0; i < n; i++) await b.outputs.get(READ_RUN, `n${i}`);
      });
    },
  ]);
  return out;
}
