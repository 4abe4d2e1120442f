import { openStore, type StorageKind, type Store } from '../../../src/index.js';

let store: Store | undefined;

function open(): Store {
  if (!store) throw new Error('no store is open in the probe page');
  return store;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `chars` random hex digits: IndexedDB compresses what it stores, and noise does not compress. */
function noise(chars: number): string {
  const bytes = new Uint8Array(65536);
  const parts: string[] = [];
  for (let left = Math.ceil(chars / 2); left > 0; left -= bytes.length) {
    crypto.getRandomValues(bytes);
    const n = Math.min(left, bytes.length);
    const hex = new Array<string>(n);
    for (let i = 0; i < n; i++) hex[i] = HEX[bytes[i]!]!;
    parts.push(hex.join(''));
  }
  return parts.join('').slice(0, chars);
}

/** A call's result, or its error as plain data: Playwright would keep only the message of a thrown error. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; name: string; code: unknown; message: string };

async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const e = err as { name?: string; code?: unknown; message?: string };
    return { ok: false, name: String(e.name), code: e.code, message: String(e.message) };
  }
}

/** What the storage-full test drives, as window.probe. */
const probe = {
  async open(name: string, storage: 'opfs' | 'idb' | 'memory'): Promise<StorageKind> {
    store = await openStore({ name, storage });
    return store.storage;
  },
  /** Writes `count` small outputs under run `run`, all in one tick (one batch). */
  fill: (run: string, count: number) =>
    attempt(() => Promise.all(Array.from({ length: count }, (_, i) => open().outputs.put(run, `n${i}`, { i })))),
  /** Writes one output of `chars` characters that do not compress. */
  putBig: (run: string, node: string, chars: number) => attempt(() => open().outputs.put(run, node, { blob: noise(chars) })),
  put: (run: string, node: string, value: string) => attempt(() => open().outputs.put(run, node, value)),
  get: (run: string, node: string) => attempt(() => open().outputs.get(run, node)),
  keys: (run: string) => attempt(() => open().outputs.keys(run)),
  integrity: () => attempt(() => open().inspect('PRAGMA integrity_check')),
  /** Bytes the origin stores now (a DevTools quota override shows in `quota`, not here). */
  usage: async () => (await navigator.storage.estimate()).usage ?? 0,
  async close(): Promise<void> {
    await store?.close();
    store = undefined;
  },
};

declare global {
  interface Window {
    probe: typeof probe;
  }
}
window.probe = probe;
