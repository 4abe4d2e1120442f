// kill -9 of workerd while a client writes to a Durable Object: after miniflare starts again
// on the same persist directory, every write whose response arrived is there, once.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, expect, it } from 'vitest';
import { bundleWorker } from '../workerd/bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'flowstore-do-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modules = await bundleWorker(new URL('../workerd/writer-worker.ts', import.meta.url).pathname);

function start(): Miniflare {
  return new Miniflare({
    modules,
    compatibilityDate: '2026-07-01',
    durableObjects: { WRITER: { className: 'Writer', useSQLite: true } },
    durableObjectsPersist: dir,
  });
}

/** The workerd processes this process started (miniflare spawns workerd as a direct child). */
function workerdChildren(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        return comm === 'workerd' && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false; // the process ended while we looked
      }
    })
    .map(Number);
}

type State = { outputs: [string, number][]; frames: [number, number][]; integrity: { integrity_check: string }[] };

it('keeps every acknowledged write, once, when workerd is killed mid-write', async () => {
  const mf = start();
  await mf.ready;
  const [pid, ...others] = workerdChildren();
  expect(others).toEqual([]);
  const acknowledged: number[] = [];
  const killAfter = 30 + Math.floor(Math.random() * 150);
  let next = 0;
  let killed = false;
  // Eight writers at once, so writes are in flight whatever moment the kill lands on.
  const writer = async () => {
    while (!killed) {
      const i = next++;
      const ok = await mf
        .dispatchFetch(`http://w/write?i=${i}`)
        .then((r) => r.ok)
        .catch(() => false);
      if (!ok && !killed) throw new Error(`write ${i} failed before the kill`);
      // A response that arrives just after the kill was still sent by workerd: it counts too.
      if (!ok) continue;
      acknowledged.push(i);
      if (acknowledged.length === killAfter) {
        killed = true;
        process.kill(pid!, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  await mf.dispose().catch(() => {}); // its runtime is gone already
  expect(workerdChildren()).not.toContain(pid);

  const again = start();
  try {
    const state = (await (await again.dispatchFetch('http://w/state')).json()) as State;
    const outputs = new Map(state.outputs);
    for (const i of acknowledged) expect(outputs.get(`k${i}`)).toBe(i);
    const data = state.frames.map(([, d]) => d);
    expect(new Set(data).size).toBe(data.length);
    for (const i of acknowledged) expect(data).toContain(i);
    expect(state.frames.map(([seq]) => seq)).toEqual(data.map((_, n) => n + 1));
    // A frame is appended after its output: no frame without its output.
    for (const i of data) expect(outputs.get(`k${i}`)).toBe(i);
    expect(state.integrity).toEqual([{ integrity_check: 'ok' }]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
  } finally {
    await again.dispose();
  }
});
