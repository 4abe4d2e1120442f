import { afterEach, describe, expect, it, vi } from 'vitest';
import { reactive } from 'vue';
import { ValidationError, type Store } from '../../src/index.js';
import { changeChannelName, rpcChannelName, type RpcMessage } from '../../src/shared/protocol.js';
import { Stores, uniqueName } from '../support/backends.js';
import { autoStorage } from '../support/engine.js';
import { collect } from '../support/live.js';

// Issue 13: hostile calls through the follower path must fail alone, never the leader's worker or its leadership.

function nest(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

describe('hostile calls from a follower', () => {
  const stores = new Stores({ label: autoStorage, storage: autoStorage, durable: true, options: { storage: autoStorage } });
  const channels: BroadcastChannel[] = [];
  afterEach(async () => {
    for (const c of channels.splice(0)) c.close();
    await stores.closeAll();
  });

  /** A leader A and a follower B of one database, and every role change either one sees. */
  async function pair(): Promise<{ name: string; a: Store; b: Store; roleChanges: string[] }> {
    const name = uniqueName('hostile-pair');
    const a = await stores.open(name);
    const b = await stores.open(name);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    const roleChanges: string[] = [];
    a.onRoleChange((r) => roleChanges.push(`a:${r}`));
    b.onRoleChange((r) => roleChanges.push(`b:${r}`));
    return { name, a, b, roleChanges };
  }

  it('refuses too-deep and unclonable calls from the follower with a ValidationError, beside calls that succeed', async () => {
    const { a, b, roleChanges } = await pair();
    const results = await Promise.allSettled([
      b.outputs.put('r', 'deep', nest(10_000) as never),
      b.outputs.put(
        'r',
        'trap',
        new Proxy(
          { a: 1 },
          {
            ownKeys: () => {
              throw new Error('trap');
            },
          },
        ) as never,
      ),
      b.streams.append('s', { data: detachedBytes() }),
      b.records.append({ taskId: 't', attempt: 0, producer: 'p', event: nest(3000) as never }),
      b.outputs.put('r', 'vue', reactive({ list: [1, 2] }) as never),
      b.globals.upsert('b-sibling', 1),
      a.globals.upsert('a-sibling', 2),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    for (const r of results.slice(0, 4)) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
    // The leader's worker still answers both, and nobody took over.
    expect(await a.outputs.keys('r')).toEqual(['vue']);
    expect(await a.outputs.get('r', 'vue')).toStrictEqual({ list: [1, 2] });
    expect([await a.globals.get('b-sibling'), await b.globals.get('a-sibling')]).toEqual([1, 2]);
    await b.outputs.put('r', 'after', 'ok');
    expect(await a.outputs.get('r', 'after')).toBe('ok');
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    expect(roleChanges).toEqual([]);
    expect(await b.inspect('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });

  it('lets the leader refuse a forwarded call whose argument is too deep, and keeps serving', async () => {
    const { name, a, b, roleChanges } = await pair();
    const channel = new BroadcastChannel(rpcChannelName(name));
    channels.push(channel);
    const messages: RpcMessage[] = [];
    channel.onmessage = (e: MessageEvent<RpcMessage>) => messages.push(e.data);
    // The follower's own call shows which leader the channel's calls must name.
    await b.globals.get('probe');
    const forwarded = messages.find((m): m is Extract<RpcMessage, { type: 'call' }> => m.type === 'call')!;
    expect(forwarded).toBeDefined();
    // Another tab running other code sends what the page-side checks would never let through (deep, yet
    // shallow enough for structured clone to deliver: a worker cannot even read ≈1,500 levels, and drops them).
    const call = (id: number, calls: unknown) => ({ type: 'call', leaderId: forwarded.leaderId, from: 'hostile-tab', id, calls });
    channel.postMessage(
      call(1, [
        { op: 'outputs.put', args: ['r', 'deep', nest(1000)] },
        { op: 'globals.upsert', args: ['beside', 1] },
      ]),
    );
    channel.postMessage(
      call(2, [
        { op: 'constructor', args: [] },
        { op: '__proto__', args: [] },
      ]),
    );
    await vi.waitFor(() => expect(messages.filter((m) => m.type === 'reply' && m.to === 'hostile-tab')).toHaveLength(2));
    const replies = messages.filter((m): m is Extract<RpcMessage, { type: 'reply' }> => m.type === 'reply' && m.to === 'hostile-tab');
    const outcomes = (id: number) =>
      (replies.find((r) => r.id === id)!.reply as { outcomes: { ok: boolean; error?: { code: string } }[] }).outcomes;
    expect(outcomes(1).map((o) => o.ok)).toEqual([false, true]);
    expect(outcomes(1)[0]!.error!.code).toBe('VALIDATION');
    expect(outcomes(2).map((o) => o.error?.code)).toEqual(['VALIDATION', 'VALIDATION']);
    expect(await a.outputs.get('r', 'deep')).toBeUndefined();
    expect(await b.globals.get('beside')).toBe(1);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    expect(roleChanges).toEqual([]);
  });

  it('ignores forwarded messages of the wrong shape, and the leader keeps answering the follower', async () => {
    const { name, a, b, roleChanges } = await pair();
    const channel = new BroadcastChannel(rpcChannelName(name));
    channels.push(channel);
    let leaderId = '';
    const replies: number[] = [];
    channel.onmessage = (e: MessageEvent<RpcMessage>) => {
      if (e.data.type === 'call') leaderId = e.data.leaderId;
      if (e.data.type === 'reply' && e.data.to === 'x') replies.push(e.data.id);
    };
    await b.globals.get('probe');
    expect(leaderId).not.toBe('');
    // Any page of the origin may post anything on the channel: neither the worker nor a page may throw on it.
    const pageErrors: string[] = [];
    const onError = (e: ErrorEvent) => pageErrors.push(e.message);
    window.addEventListener('error', onError);
    const shapes = [
      null,
      42,
      'call',
      { type: 'reply', to: 'x', id: 1, reply: null },
      { type: 'call', leaderId, from: 'x', id: 1, calls: null },
      { type: 'call', leaderId, from: 'x', id: 2, calls: [null] },
      { type: 'call', leaderId, from: 'x', id: 3, calls: [{ op: 'outputs.put', args: null }] },
      { type: 'call', leaderId, from: 'x', id: 4, calls: [{ op: 42, args: [] }] },
      { type: 'call', leaderId, from: 7, id: 'five', calls: [] },
      { type: 'call', leaderId },
      // Arguments JSON cannot hold, in a watch: the worker must not throw on them.
      { type: 'watch', leaderId, owner: 'x', watch: 'w1', rev: 1, calls: [{ op: 'globals.get', args: [10n] }] },
      // Announcements of no one: the follower must keep sending to the leader it knows.
      { type: 'leader' },
      { type: 'leader', leaderId: '', storage: 'opfs' },
      { type: 'leader', leaderId: 'nobody', storage: 'nowhere' },
    ];
    for (const shape of shapes) channel.postMessage(shape);
    // Messages of one sender arrive in order: once this well-formed call is answered, the worker has read every shape above.
    channel.postMessage({ type: 'call', leaderId, from: 'x', id: 99, calls: [{ op: 'globals.get', args: ['probe'] }] });
    await vi.waitFor(() => expect(replies).toEqual([99]));
    // Each store's own calls still go through the same channel and worker afterwards.
    await b.outputs.put('r', 'after', 'b');
    await a.outputs.put('r', 'also', 'a');
    expect(await b.outputs.keys('r')).toEqual(['after', 'also']);
    window.removeEventListener('error', onError);
    expect(pageErrors).toEqual([]);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    expect(roleChanges).toEqual([]);
  });

  it("answers a follower's calls though another page replies to each first with something that is not an answer", async () => {
    const { name, a, b, roleChanges } = await pair();
    const channel = new BroadcastChannel(rpcChannelName(name));
    channels.push(channel);
    const bogus: unknown[] = [{}, null, 5, { outcomes: 5 }, { error: 5 }, { error: null }];
    let sent = 0;
    // The real reply needs the worker to run and commit the call, so these mostly arrive first.
    channel.onmessage = (e: MessageEvent<RpcMessage>) => {
      if (e.data.type !== 'call') return;
      channel.postMessage({ type: 'reply', to: e.data.from, id: e.data.id, reply: bogus[sent++ % bogus.length] });
    };
    for (let i = 0; i < bogus.length; i++) await b.globals.upsert(`k${i}`, i);
    expect(sent).toBeGreaterThanOrEqual(bogus.length);
    expect(await a.globals.get(`k${bogus.length - 1}`)).toBe(bogus.length - 1);
    expect([a.role, b.role]).toEqual(['leader', 'follower']);
    expect(roleChanges).toEqual([]);
  });

  it('runs a live query once for a forged notice of a version no engine made, and it follows the next real write', async () => {
    const { name, a, b } = await pair();
    const channel = new BroadcastChannel(changeChannelName(name));
    channels.push(channel);
    let runs = 0;
    const got = collect(
      b.live(async (s) => {
        runs++;
        return (await s.globals.get('k')) ?? null;
      }),
    );
    await got.until((v) => v === null);
    const before = runs;
    // 'database' touches every live query; the other two are not notices at all.
    channel.postMessage({ type: 'changes', changes: [{ module: 'database', key: 'import', version: 1e15 }, { module: 5 }, null] });
    await a.globals.upsert('k', 'real');
    await got.until((v) => v === 'real');
    expect(runs - before).toBeLessThanOrEqual(3);
    await got.stop();
  });
});
