import { openStore } from '../../src/index.js';

// A follower store in a worker of its own, so that the test can end it the way a tab dies: terminate().
self.onmessage = async (event: MessageEvent<{ name: string; storage: 'opfs' | 'idb' }>) => {
  const store = await openStore({ name: event.data.name, storage: event.data.storage });
  await new Promise<void>((resolve) => store.globals.live('k').subscribe(() => resolve()));
  // Its messages reach the leader's worker in order: once this read is answered, so is its watch.
  await store.globals.get('other');
  self.postMessage({ role: store.role });
};
