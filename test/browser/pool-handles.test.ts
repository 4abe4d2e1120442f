import { proxy, wrap, type Remote } from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/backends.js';
import { hasOpfsWorkers } from '../support/engine.js';

type PoolWorker = {
  hold(path: string): Promise<void>;
  letGo(): void;
  holding(): boolean;
  filesReleased(path: string, patienceMs: number, onWait?: () => void): Promise<void>;
};

// Only engines whose workers hold OPFS access handles have a gone worker's handles to wait for.
describe.runIf(hasOpfsWorkers)("a new worker waits for a gone worker's OPFS access handles", () => {
  const workers: Worker[] = [];
  const start = (): Remote<PoolWorker> => {
    const worker = new Worker(new URL('./pool-handles.worker.ts', import.meta.url), { type: 'module' });
    workers.push(worker);
    return wrap<PoolWorker>(worker);
  };
  afterAll(() => workers.forEach((w) => w.terminate()));

  it('resolves only after the holder lets go, and leaves the files free for the pool', async () => {
    const [gone, next] = [start(), start()];
    const path = `pool-handles-test/${uniqueName('held')}`;
    await gone.hold(path);
    const events: string[] = [];
    // The holder lets go only once the waiter says it found the file held: without a wait, nobody lets go.
    const onWait = proxy(() => {
      events.push('found held');
      void gone.letGo();
    });
    await next.filesReleased(path, 60_000, onWait);
    events.push('released');
    expect(events).toEqual(['found held', 'released']);
    expect(await gone.holding()).toBe(false);
    // The probe closed what it opened: the file can be held again.
    await gone.hold(path);
    expect(await gone.holding()).toBe(true);
    await gone.letGo();
  });

  it('gives up after its patience while the file is still held, without throwing', async () => {
    const [holder, waiter] = [start(), start()];
    const path = `pool-handles-test/${uniqueName('stuck')}`;
    await holder.hold(path);
    await expect(waiter.filesReleased(path, 50)).resolves.toBeUndefined();
    expect(await holder.holding()).toBe(true);
    await holder.letGo();
  });

  it('resolves at once for a database that has no pool yet', async () => {
    await expect(start().filesReleased(`pool-handles-test/${uniqueName('none')}`, 60_000)).resolves.toBeUndefined();
  });
});
