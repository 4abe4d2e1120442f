import { openStore, type Change, type Store, type StoreOptions } from '../../src/index.js';
import { engine, hasOpfsWorkers } from './engine.js';

/** A backend that claims the store contract, and how to open a store on it. */
export type Backend = {
  label: string;
  /** Whether data outlives close() + reopen. */
  durable: boolean;
  options: Omit<StoreOptions, 'name'>;
};

/**
 * Every backend the contract runs against in this environment. Chromium runs
 * all three worker backends; Firefox and WebKit run the durable ones they
 * have (memory is the same engine code, proven in Chromium), which keeps
 * three browsers within the time a run may take.
 */
export const backends: Backend[] =
  engine === 'node'
    ? [{ label: 'in-process memory', durable: false, options: { storage: 'memory', worker: false } }]
    : [
        ...(hasOpfsWorkers ? [{ label: 'worker + OPFS', durable: true, options: { storage: 'opfs' } } as const] : []),
        { label: 'worker + IndexedDB', durable: true, options: { storage: 'idb' } },
        ...(engine === 'chromium' ? [{ label: 'worker + memory', durable: false, options: { storage: 'memory' } } as const] : []),
      ];

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
    const store = await openStore({ name, ...this.backend.options, ...extra });
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
