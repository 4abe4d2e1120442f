import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NoticeWaiter } from '../../src/api/notice-waiter.js';
import { ChangeFeed } from '../../src/client/change-feed.js';
import { changeChannelName, type ChangeNotice } from '../../src/shared/protocol.js';
import type { StoredFrame } from '../../src/shared/stream-frame.js';
import { uniqueName } from '../support/backends.js';

const KEY = '["s",1]';
const matchesKey = (change: ChangeNotice) => change.module === 'streams' && change.key === KEY;

const frame = (seq: number): StoredFrame => ({ seq, kind: 'token', data: `"t${seq}"`, mode: 'durable', at: seq });
const notice = (seq: number, withFrame = true, key = KEY): ChangeNotice => ({
  module: 'streams',
  key,
  seq,
  version: seq,
  ...(withFrame ? { frame: frame(seq) } : {}),
});

/** Whether a promise has settled once the microtasks queued so far have run (no timer can fire: timers are fake). */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return settled;
}

describe('NoticeWaiter', () => {
  let feed: ChangeFeed;
  let poster: BroadcastChannel;
  let waiter: NoticeWaiter;

  /** Posts notices from "another tab" and resolves once the feed has handed the last one to its listeners. */
  function post(...changes: ChangeNotice[]): Promise<void> {
    const last = JSON.stringify(changes[changes.length - 1]);
    const delivered = new Promise<void>((resolve) => {
      // Subscribed after the waiter, so by the time this runs the waiter has seen every notice.
      const off = feed.subscribe((change) => {
        if (JSON.stringify(change) !== last) return;
        off();
        resolve();
      });
    });
    poster.postMessage({ type: 'changes', changes });
    return delivered;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    const name = uniqueName('waiter');
    feed = new ChangeFeed(name);
    poster = new BroadcastChannel(changeChannelName(name));
  });
  afterEach(() => {
    waiter?.dispose();
    poster.close();
    feed.close();
    vi.useRealTimers();
  });

  it('resolves the next wait at once when a matching notice came before it', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    await post(notice(1));
    const first = waiter.wait(1_000);
    expect(await isSettled(first)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    // The notice was used up: the wait after it waits again.
    const second = waiter.wait(1_000);
    expect(await isSettled(second)).toBe(false);
  });

  it('resolves a wait after its time runs out when nothing arrives', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    const waiting = waiter.wait(500);
    vi.advanceTimersByTime(499);
    expect(await isSettled(waiting)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await isSettled(waiting)).toBe(true);
  });

  it('resolves a pending wait when a matching notice arrives, and clears its timer', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    const waiting = waiter.wait(60_000);
    expect(vi.getTimerCount()).toBe(1);
    await post(notice(1));
    await waiting;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores notices that do not match', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    const waiting = waiter.wait(1_000);
    await post(notice(1, true, '["other",1]'), { module: 'globals', key: 'g', version: 2 });
    expect(await isSettled(waiting)).toBe(false);
    expect(waiter.takeFrames()).toEqual([]);
    await post(notice(2));
    await waiting;
  });

  it('resolves a pending wait when the signal aborts, and every later wait at once', async () => {
    const abort = new AbortController();
    waiter = new NoticeWaiter(feed, matchesKey, abort.signal);
    const waiting = waiter.wait(60_000);
    expect(await isSettled(waiting)).toBe(false);
    abort.abort();
    expect(await isSettled(waiting)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(await isSettled(waiter.wait(60_000))).toBe(true);
  });

  it('collects the frames matching notices carry, in order, once', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    await post(notice(1), notice(2));
    await post(notice(3));
    expect(waiter.takeFrames()).toEqual([frame(1), frame(2), frame(3)]);
    expect(waiter.takeFrames()).toEqual([]);
  });

  it('reports that a read is needed when a matching notice came without its frame', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    await post(notice(1), notice(2, false), notice(3));
    expect(waiter.takeFrames()).toBeUndefined();
    // Taking resets it: frames that come after are collected again.
    await post(notice(4));
    expect(waiter.takeFrames()).toEqual([frame(4)]);
  });

  it('reports that a read is needed when more frames came than it keeps', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    const many = Array.from({ length: 300 }, (_, i) => notice(i + 1));
    await post(...many);
    expect(waiter.takeFrames()).toBeUndefined();
  });

  it('resolves a pending wait when a leader takes over, and reports that a read is needed', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    await post(notice(1));
    await waiter.wait(1_000);
    const waiting = waiter.wait(1_000);
    expect(await isSettled(waiting)).toBe(false);
    // The notice of a commit may have gone down with the old leader.
    feed.recheck();
    expect(await isSettled(waiting)).toBe(true);
    expect(waiter.takeFrames()).toBeUndefined();
  });

  it('resolves a pending wait on dispose and stops listening', async () => {
    waiter = new NoticeWaiter(feed, matchesKey);
    const waiting = waiter.wait(60_000);
    waiter.dispose();
    expect(await isSettled(waiting)).toBe(true);
    await post(notice(1));
    feed.recheck();
    expect(waiter.takeFrames()).toEqual([]);
    expect(await isSettled(waiter.wait(1_000))).toBe(false);
  });
});
