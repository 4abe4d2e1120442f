import { afterEach, describe, expect, it } from 'vitest';
import { LeaderLock } from '../../src/client/leader/leader-lock.js';
import { leaderLockName } from '../../src/shared/protocol.js';
import { uniqueName } from '../support/backends.js';

/** A promise with its resolve function outside, to turn a callback into something to await. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Who holds and who waits for the lock of `dbName`, as the browser's lock manager sees it. */
async function lockState(dbName: string) {
  const name = leaderLockName(dbName);
  const { held = [], pending = [] } = await navigator.locks.query();
  return { held: held.filter((l) => l.name === name).length, pending: pending.filter((l) => l.name === name).length };
}

/** Resolves once a fresh request waiting in line for the lock of `dbName` is granted. */
function grantedAfterOthers(dbName: string): Promise<void> {
  return navigator.locks.request(leaderLockName(dbName), () => undefined);
}

describe('LeaderLock', () => {
  const locks: LeaderLock[] = [];
  const make = (dbName: string) => {
    const lock = new LeaderLock(dbName);
    locks.push(lock);
    return lock;
  };
  afterEach(() => {
    for (const lock of locks.splice(0)) {
      lock.leaveQueue();
      lock.release();
    }
  });

  it('leads at once when nobody holds the lock', async () => {
    const name = uniqueName('lock');
    const lock = make(name);
    let led = false;
    expect(
      await lock.tryNow(async () => {
        led = true;
      }),
    ).toBe('leading');
    expect(led).toBe(true);
    expect(lock.held).toBe(true);
    expect(await lockState(name)).toEqual({ held: 1, pending: 0 });
  });

  it('answers busy without leading when another instance holds the lock', async () => {
    const name = uniqueName('lock');
    const first = make(name);
    const second = make(name);
    expect(await first.tryNow(async () => undefined)).toBe('leading');
    let led = false;
    expect(
      await second.tryNow(async () => {
        led = true;
      }),
    ).toBe('busy');
    expect(led).toBe(false);
    expect(second.held).toBe(false);
    expect(first.held).toBe(true);
  });

  it('gives the lock back at once when leading fails, and rejects with that failure', async () => {
    const name = uniqueName('lock');
    const lock = make(name);
    const failure = new Error('could not open the database');
    await expect(
      lock.tryNow(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(lock.held).toBe(false);
    // Nobody calls release(): a request in line is granted only because the failure gave the lock back.
    await grantedAfterOthers(name);
  });

  it('waits in line and leads once the holder releases', async () => {
    const name = uniqueName('lock');
    const holder = make(name);
    const waiter = make(name);
    expect(await holder.tryNow(async () => undefined)).toBe('leading');
    const led = signal();
    const failures: unknown[] = [];
    waiter.queue(
      async () => led.resolve(),
      (err) => failures.push(err),
    );
    expect(waiter.queued).toBe(true);
    expect(await lockState(name)).toEqual({ held: 1, pending: 1 });
    expect(waiter.held).toBe(false);
    holder.release();
    expect(holder.held).toBe(false);
    await led.promise;
    expect(waiter.held).toBe(true);
    expect(waiter.queued).toBe(false);
    expect(failures).toEqual([]);
  });

  it('tells the queued caller why leading failed and gives the lock back', async () => {
    const name = uniqueName('lock');
    const holder = make(name);
    const waiter = make(name);
    expect(await holder.tryNow(async () => undefined)).toBe('leading');
    const failure = new Error('the worker did not start');
    const failed = signal<unknown>();
    waiter.queue(async () => {
      throw failure;
    }, failed.resolve);
    expect(await lockState(name)).toEqual({ held: 1, pending: 1 });
    holder.release();
    expect(await failed.promise).toBe(failure);
    expect(waiter.held).toBe(false);
    await grantedAfterOthers(name);
  });

  it('never leads after leaving the line, even once the lock is free', async () => {
    const name = uniqueName('lock');
    const holder = make(name);
    const waiter = make(name);
    expect(await holder.tryNow(async () => undefined)).toBe('leading');
    let led = false;
    waiter.queue(
      async () => {
        led = true;
        // Give it back so the request queued behind is not stuck if this ever runs.
        queueMicrotask(() => waiter.release());
      },
      () => undefined,
    );
    waiter.leaveQueue();
    expect(waiter.queued).toBe(false);
    const after = grantedAfterOthers(name);
    holder.release();
    await after;
    expect(led).toBe(false);
    expect(waiter.held).toBe(false);
  });

  it('queues at most one request per instance', async () => {
    const name = uniqueName('lock');
    const holder = make(name);
    const waiter = make(name);
    expect(await holder.tryNow(async () => undefined)).toBe('leading');
    waiter.queue(
      async () => undefined,
      () => undefined,
    );
    waiter.queue(
      async () => undefined,
      () => undefined,
    );
    expect(await lockState(name)).toEqual({ held: 1, pending: 1 });
  });

  it('frees the lock on release for the next instance', async () => {
    const name = uniqueName('lock');
    const first = make(name);
    const second = make(name);
    expect(await first.tryNow(async () => undefined)).toBe('leading');
    const led = signal();
    second.queue(
      async () => led.resolve(),
      () => undefined,
    );
    expect(await lockState(name)).toEqual({ held: 1, pending: 1 });
    first.release();
    await led.promise;
    expect(await lockState(name)).toEqual({ held: 1, pending: 0 });
    second.release();
    expect(second.held).toBe(false);
    await grantedAfterOthers(name);
  });
});
