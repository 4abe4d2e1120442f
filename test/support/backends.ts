import { openStore, type Change, type FileDriverName, type StorageKind, type Store, type StoreOptions } from '../../src/server.js';
import { durableObjectFor } from './durable-object-slot.js';
import { engine, hasOpfsWorkers } from './engine.js';

/** A backend that claims the store contract, and how to open a store on it. */
export type Backend = {
  label: string;
  /** What `store.storage` says on it. */
  storage: StorageKind;
  /** Whether data outlives close() + reopen. */
  durable: boolean;
  options: Omit<StoreOptions, 'name'>;
  /** A Durable Object gives no image of its database: export() rejects with StorageError there (README). */
  noExport?: boolean;
  /** Deno's node:sqlite reads strings back cut at U+0000, so flowstore refuses them there (README, Runtimes). */
  refusesNul?: boolean;
  /** Options that depend on the database name (a file per name). */
  optionsFor?: (name: string) => Partial<StoreOptions>;
};

const inBrowser = typeof window !== 'undefined';
// In workerd this file is bundled with the contract cases (test/workerd/contract-worker.ts), and openStore is flowstore's workerd build.
const inWorkerd = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';
// Loaded only in Node, Deno and Bun: this file is shared with the browser projects and the workerd bundle.
const node =
  inBrowser || inWorkerd ? undefined : { fs: await import('node:fs'), os: await import('node:os'), path: await import('node:path') };

/** Which SQLite binding this runtime opens files with by default (what openStore picks). */
function defaultFileDriver(): FileDriverName {
  if ((globalThis as { Bun?: unknown }).Bun !== undefined) return 'bun:sqlite';
  const [major = 0, minor = 0] = (process.versions.node ?? '0').split('.').map(Number);
  const deno = (globalThis as { Deno?: unknown }).Deno !== undefined;
  return deno || major > 22 || (major === 22 && minor >= 13) ? 'node:sqlite' : 'better-sqlite3';
}

function runtimeLabel(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun) return `Bun ${g.Bun.version}`;
  if (g.Deno) return `Deno ${g.Deno.version.deno}`;
  return `Node ${process.versions.node}`;
}

let fileDir: string | undefined;
/** One temporary directory per test process for the contract's files, removed when the process exits. */
function contractDir(): string {
  if (!fileDir) {
    const { fs, os, path } = node!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowstore-contract-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    fileDir = dir;
  }
  return fileDir;
}

function fileBackend(driver: FileDriverName): Backend {
  return {
    label: `${runtimeLabel()} + ${driver} on a file`,
    storage: 'file',
    durable: true,
    options: { driver },
    refusesNul: (globalThis as { Deno?: unknown }).Deno !== undefined,
    optionsFor: (name) => ({ path: node!.path.join(contractDir(), `${name}.sqlite3`) }),
  };
}

/**
 * The server backends to run, from FLOWSTORE_BACKENDS (a comma list of
 * 'memory' and driver names; scripts/test.mjs sets it per runtime), by
 * default in-process memory plus this runtime's default file driver.
 */
function serverBackends(): Backend[] {
  const wanted = (process.env.FLOWSTORE_BACKENDS ?? `memory,${defaultFileDriver()}`).split(',').filter(Boolean);
  return wanted.map((w) =>
    w === 'memory'
      ? { label: `${runtimeLabel()} in-process memory`, storage: 'memory', durable: false, options: { storage: 'memory', worker: false } }
      : fileBackend(w as FileDriverName),
  );
}

/**
 * Every backend the contract runs against in this environment. Chromium runs
 * all three worker backends; Firefox runs OPFS and WebKit IndexedDB, the
 * storage 'auto' picks in each (the other backends are the same engine code,
 * proven in Chromium), which keeps three browsers within the time a run may take.
 * In workerd, each case runs in a Durable Object of its own (test/server/workerd-contract.test.ts).
 */
export const backends: Backend[] = inWorkerd
  ? [
      {
        label: 'workerd Durable Object',
        storage: 'durable-object',
        durable: true,
        noExport: true,
        options: {},
        optionsFor: (name) => ({ durableObject: durableObjectFor(name) }),
      },
    ]
  : inBrowser
    ? [
        ...(hasOpfsWorkers ? [{ label: 'worker + OPFS', storage: 'opfs', durable: true, options: { storage: 'opfs' } } as const] : []),
        ...(engine !== 'firefox'
          ? [{ label: 'worker + IndexedDB', storage: 'idb', durable: true, options: { storage: 'idb' } } as const]
          : []),
        ...(engine === 'chromium'
          ? [{ label: 'worker + memory', storage: 'memory', durable: false, options: { storage: 'memory' } } as const]
          : []),
      ]
    : serverBackends();

let counter = 0;

/** A database name no other test uses (OPFS is shared by the whole origin within a run). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens stores for one test and closes them all afterwards. */
export class Stores {
  readonly #open: Store[] = [];
  constructor(readonly backend: Backend) {}

  async open(name = uniqueName('t'), extra: Partial<StoreOptions> = {}): Promise<Store> {
    const store = await openStore({ name, ...this.backend.options, ...this.backend.optionsFor?.(name), ...extra });
    this.#open.push(store);
    return store;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.#open.splice(0).map((s) => s.close()));
  }
}

/** Resolves with the first change notice the store receives that matches. */
export function nextChange(store: Store, matches: (c: Change) => boolean): Promise<Change> {
  return new Promise((resolve) => {
    const off = store.onChange((c) => {
      if (!matches(c)) return;
      off();
      resolve(c);
    });
  });
}
