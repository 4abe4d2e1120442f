// Driven by URL alone (no automation driver): writes, reloads itself, reads, and reports each
// step to the serving test through POST /__report. Used for engines started by their own binary.
import { openStore, type Store } from '../../../src/index.js';

const params = new URLSearchParams(location.search);
const db = params.get('db') ?? 'persist';
const phase = params.get('phase') ?? 'write';

async function report(step: string, data: unknown): Promise<void> {
  await fetch('/__report', { method: 'POST', body: JSON.stringify({ db, step, data }) });
}

async function read(store: Store): Promise<unknown> {
  const notes = await store.table<{ title: string }>('notes', { fields: { title: { type: 'string', required: true } } });
  return {
    storage: store.storage,
    output: (await store.outputs.get('run', 'node')) ?? null,
    global: (await store.globals.get('counter')) ?? null,
    records: (await store.records.list('task', 0)).map((r) => r.event),
    rows: (await notes.list()).map((r) => r.data.title),
    frames: (await store.streams.read('log')).frames.map((f) => f.data),
  };
}

/** A private window: what 'auto' picks, what it says, and what an explicit 'opfs' answers. */
async function probePrivate(): Promise<unknown> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    const store = await openStore({ name: db });
    await store.globals.upsert('k', 1);
    const storage = store.storage;
    const value = await store.globals.get('k');
    await store.close();
    const explicit = await openStore({ name: `${db}-opfs`, storage: 'opfs' }).then(
      async (s) => {
        await s.close();
        return 'opened';
      },
      (err: Error & { code?: string }) => `${err.code}: ${err.message}`,
    );
    return { storage, value, warnings, explicit };
  } finally {
    console.warn = warn;
  }
}

/** Resolves with the first message from `source` whose data is `expected`. */
function message(source: () => Window | null | undefined, expected: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== source() || event.data !== expected) return;
      removeEventListener('message', onMessage);
      resolve();
    };
    addEventListener('message', onMessage);
  });
}

/** Resolves when `store` holds the role `role`. */
function role(store: Store, wanted: 'leader' | 'follower'): Promise<void> {
  if (store.role === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const off = store.onRoleChange((r) => {
      if (r !== wanted) return;
      off();
      resolve();
    });
  });
}

/**
 * The leading document of the two-document check: an iframe, a document of
 * its own (its own realm, worker and lock), opens the database first and
 * leads; this document follows, forwards, is woken across documents, and
 * takes over when the iframe goes.
 */
async function probeTwoDocuments(): Promise<unknown> {
  const frame = document.createElement('iframe');
  const ready = message(() => frame.contentWindow, 'ready');
  frame.src = `?db=${encodeURIComponent(db)}&phase=tab-leader`;
  document.body.append(frame);
  await ready;
  const store = await openStore({ name: db });
  const roles: string[] = [store.role];
  store.onRoleChange((r) => roles.push(r));
  const tail = store.streams.tail('log', { after: 0, blockMs: 20_000 });
  const fromLeader = await store.outputs.get('run', 'leader');
  await store.outputs.put('run', 'follower', { by: 'follower' });
  const appended = message(() => frame.contentWindow, 'appended');
  frame.contentWindow!.postMessage('append', location.origin);
  await appended;
  const woken = (await tail).frames.map((f) => f.data);
  frame.remove();
  await role(store, 'leader');
  await store.globals.upsert('after-take-over', 1);
  const result = {
    storage: store.storage,
    roles,
    fromLeader,
    woken,
    afterTakeOver: {
      outputs: [await store.outputs.get('run', 'leader'), await store.outputs.get('run', 'follower')],
      frames: (await store.streams.read('log')).frames.map((f) => f.data),
      global: await store.globals.get('after-take-over'),
    },
  };
  await store.close();
  return result;
}

/** The iframe of the two-document check: leads, writes, appends when asked, and stays until removed. */
async function leadInFrame(): Promise<void> {
  const store = await openStore({ name: db });
  await role(store, 'leader');
  await store.outputs.put('run', 'leader', { by: 'leader' });
  addEventListener('message', (event) => {
    if (event.source !== parent || event.data !== 'append') return;
    void store.streams.append('log', { data: 'from-leader' }).then(() => parent.postMessage('appended', location.origin));
  });
  parent.postMessage('ready', location.origin);
}

try {
  if (phase === 'tab-leader') {
    await leadInFrame();
    throw new Error('done');
  }
  if (phase === 'tabs') {
    await report('tabs', await probeTwoDocuments());
    throw new Error('done');
  }
  if (phase === 'private') {
    await report('private', await probePrivate());
    throw new Error('done');
  }
  const store = await openStore({ name: db });
  if (phase === 'write') {
    await store.outputs.put('run', 'node', { kept: true });
    await store.globals.upsert('counter', 1);
    await store.records.append({ taskId: 'task', attempt: 0, producer: 'probe', event: 'written' });
    const notes = await store.table<{ title: string }>('notes', { fields: { title: { type: 'string', required: true } } });
    await notes.create({ title: 'survives' });
    await store.streams.append('log', { data: 'frame-1' });
    await report('written', { storage: store.storage });
    await store.close();
    // A reload: a new document in the same browser session opens the same database.
    location.replace(`?db=${encodeURIComponent(db)}&phase=reloaded`);
  } else {
    await report(phase, await read(store));
    await store.close();
  }
} catch (err) {
  if ((err as Error).message !== 'done') await report('error', String((err as Error)?.stack ?? err));
}
