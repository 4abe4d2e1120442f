import { afterEach, describe, expect, it } from 'vitest';
import { LiveQuery } from '../../src/api/live/live-query.js';
import type { ModuleContext } from '../../src/api/module-context.js';
import { Batcher } from '../../src/client/batcher.js';
import { ChangeFeed } from '../../src/client/change-feed.js';
import { changeChannelName, type BatchAnswer, type Call, type ChangeNotice } from '../../src/shared/protocol.js';
import { uniqueName } from '../support/backends.js';
import { collect } from '../support/live.js';

/**
 * An engine stand-in: each read batch is answered with the value of
 * `state[key]` and the version `version`, both set by the test, and held
 * until the test lets it go, so a test decides what each read sees.
 */
function fakeEngine() {
  const state: Record<string, number> = {};
  let version = 1;
  const held: (() => void)[] = [];
  let holding = false;
  const send = (calls: Call[]): Promise<BatchAnswer> => {
    const answer = () => ({ outcomes: calls.map((c) => ({ ok: true as const, value: state[c.args[0] as string] ?? 0 })), version });
    if (!holding) return Promise.resolve(answer());
    return new Promise((resolve) => held.push(() => resolve(answer())));
  };
  return {
    state,
    send,
    setVersion: (v: number) => (version = v),
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const go of held.splice(0)) go();
    },
    waitingReads: () => held.length,
  };
}

/** Posts notices on the database's change channel, as an engine host does after commit. */
function announcer(name: string) {
  const channel = new BroadcastChannel(changeChannelName(name));
  return {
    post: (changes: ChangeNotice[]) => channel.postMessage({ type: 'changes', changes }),
    close: () => channel.close(),
  };
}

/** Resolves once the feed has dispatched a notice with this version (so earlier ones were dispatched too). */
function dispatched(feed: ChangeFeed, version: number): Promise<void> {
  return new Promise((resolve) => {
    const off = feed.subscribe((n) => {
      if (n.version !== version) return;
      off();
      resolve();
    });
  });
}

describe('live query runs (engine stand-in)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  const setup = () => {
    const name = uniqueName('runner');
    const engine = fakeEngine();
    const feed = new ChangeFeed(name);
    const reads = new Batcher(engine.send);
    const ctx: ModuleContext = { batcher: reads, feed, reads };
    const notices = announcer(name);
    cleanups.push(() => feed.close(), notices.close);
    return { engine, feed, ctx, notices };
  };

  it('runs again, delivering nothing, when the reads of one run saw two versions', async () => {
    const { engine, ctx } = setup();
    let runs = 0;
    const q = new LiveQuery(ctx, async (c) => {
      runs++;
      const a = await c.batcher.call('globals.get', 'a');
      // A commit lands between the two reads of the first run only.
      if (runs === 1) engine.setVersion(2);
      const b = await c.batcher.call('globals.get', 'b');
      return [a, b];
    });
    const got = collect(q);
    await got.until(() => true);
    expect(runs).toBe(2);
    expect(got.values).toEqual([{ value: [0, 0], version: 2 }]);
    await got.stop();
  });

  it('runs again when a relevant notice newer than its reads arrives during the run, and ignores irrelevant ones', async () => {
    const { engine, feed, ctx, notices } = setup();
    let runs = 0;
    const q = new LiveQuery(ctx, async (c) => {
      runs++;
      return c.batcher.call('globals.get', 'a');
    });
    const got = collect(q);
    await got.until(() => true);
    expect(got.values).toEqual([{ value: 0, version: 1 }]);

    // An unrelated key and an old version: no run.
    notices.post([
      { module: 'globals', key: 'other', version: 5 },
      { module: 'globals', key: 'a', version: 1 },
    ]);
    await dispatched(feed, 1);
    expect(runs).toBe(1);

    // A relevant change: the re-run's read is held, and a newer change lands while it waits.
    engine.hold();
    engine.state.a = 2;
    engine.setVersion(2);
    notices.post([{ module: 'globals', key: 'a', version: 2 }]);
    await dispatched(feed, 2);
    engine.state.a = 3;
    engine.setVersion(3);
    notices.post([{ module: 'globals', key: 'a', version: 3 }]);
    await dispatched(feed, 3);
    // The held read answers with version 3's state but says version 2, as if it ran before commit 3.
    engine.setVersion(2);
    engine.release();
    engine.setVersion(3);
    const last = await got.until((v) => v === 3);
    expect(last.version).toBe(3);
    expect(got.values.map((v) => v.version)).toEqual([1, 3]);
    expect(runs).toBe(3);
    await got.stop();
  });

  it('answers a globals read from the value its notice carried, without reading', async () => {
    const { engine, feed, ctx, notices } = setup();
    let sent = 0;
    const counting = new Batcher((calls) => {
      sent++;
      return engine.send(calls);
    });
    const q = new LiveQuery({ ...ctx, reads: counting }, (c) => c.batcher.call('globals.get', 'a'));
    const got = collect(q);
    await got.until(() => true);
    expect(sent).toBe(1);
    notices.post([{ module: 'globals', key: 'a', version: 7, valueJson: '{"carried":true}' }]);
    await dispatched(feed, 7);
    expect(await got.until((v) => typeof v === 'object')).toEqual({ value: { carried: true }, version: 7 });
    expect(sent).toBe(1);
    await got.stop();
  });
});
