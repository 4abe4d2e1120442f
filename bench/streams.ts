import { current, time } from './context.js';
import { streamsOf } from './optional-api.js';

/** (7) n concurrent appends to one stream (store a), then following all n from the start in store b. */
export async function streamThroughput(rep: number, n: number): Promise<Record<string, number>> {
  const { a, b } = current();
  const sa = streamsOf(a);
  const sb = streamsOf(b);
  const stream = `s7-${rep}`;
  const append = await time(() => Promise.all(Array.from({ length: n }, (_, i) => sa.append(stream, { data: { i } }))));
  const controller = new AbortController();
  let seen = 0;
  const follow = await time(async () => {
    for await (const frame of sb.follow(stream, { after: 0, signal: controller.signal })) {
      seen = frame.seq;
      if (seen >= n) break;
    }
  });
  controller.abort();
  if (seen !== n) throw new Error(`follow stopped at seq ${seen} of ${n}`);
  return { 'stream.append.concurrent': append, 'stream.follow.catchup': follow };
}
