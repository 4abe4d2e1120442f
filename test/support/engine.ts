/** The browser engine this test runs in, or 'node'. */
export const engine: 'chromium' | 'firefox' | 'webkit' | 'node' =
  typeof navigator === 'undefined' || typeof window === 'undefined'
    ? 'node'
    : /Firefox\//.test(navigator.userAgent)
      ? 'firefox'
      : /Chrome\//.test(navigator.userAgent)
        ? 'chromium'
        : 'webkit';

/**
 * What storage 'auto' picks in this engine: the compatibility table of the
 * README, as the tests check it. WebKitGTK offers no OPFS sync access
 * handles to a page's workers, so the IndexedDB images are its durable storage.
 */
export const autoStorage: 'opfs' | 'idb' | 'memory' = engine === 'webkit' ? 'idb' : engine === 'node' ? 'memory' : 'opfs';

/** Whether this engine can hold OPFS sync access handles in a dedicated worker. */
export const hasOpfsWorkers = autoStorage === 'opfs';

/** The durable storages this engine offers, best first. */
export const durableStorages: readonly ('opfs' | 'idb')[] = hasOpfsWorkers ? ['opfs', 'idb'] : ['idb'];
