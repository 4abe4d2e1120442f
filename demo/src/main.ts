import { openStore, type Store } from '../../src/index.js';
import { mountActivity } from './activity-panel.js';
import { mountBulk } from './bulk-panel.js';
import { byTestId, showError } from './dom.js';
import { mountGlobals } from './globals-panel.js';
import { mountOutputs } from './outputs-panel.js';
import { mountRecords } from './records-panel.js';
import { mountStatus } from './status.js';
import { mountStream } from './stream-panel.js';
import { mountTable } from './table-panel.js';
import { dumpDir, mountDump } from './dump-panel.js';

type StorageChoice = 'auto' | 'opfs' | 'idb' | 'memory';

const params = new URLSearchParams(location.search);
const dbName = params.get('db') || 'flowstore-demo';
const storageParam = params.get('storage');
const storage: StorageChoice = storageParam === 'opfs' || storageParam === 'idb' || storageParam === 'memory' ? storageParam : 'auto';

const banner = byTestId('app-error');
// Anything that escapes a panel still reaches the user, not only the console.
window.addEventListener('unhandledrejection', (event) => showError(banner, event.reason));
window.addEventListener('error', (event) => showError(banner, event.error ?? event.message));

byTestId<HTMLAnchorElement>('open-tab').href = location.href;

async function start(): Promise<void> {
  let store: Store;
  try {
    store = await openStore({ name: dbName, storage });
  } catch (err) {
    document.body.dataset.state = 'error';
    byTestId('status-storage').lastChild!.textContent = 'storage: unavailable';
    showError(banner, err);
    return;
  }
  mountStatus(store);
  mountActivity(store);
  mountBulk(store);
  mountOutputs(store);
  mountGlobals(store);
  mountRecords(store);
  mountStream(store);
  const dump = dumpDir(dbName);
  mountDump(store, dump, await mountTable(store, dump));
  showWhenClosed(store);
  document.body.dataset.state = 'ready';
  // Hand the database to another tab promptly when this one goes away.
  window.addEventListener('pagehide', () => void store.close());
  // A page restored from the back/forward cache has a closed store: start afresh.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) location.reload();
  });
}

/** A live query that reads nothing completes when its store closes: deleteStore() here or in another tab. */
function showWhenClosed(store: Store): void {
  store
    .live(async () => null)
    .subscribe({
      next: () => {},
      complete: () => {
        document.body.dataset.state = 'closed';
        byTestId('store-closed-why').textContent =
          `The store of database ${store.name} was closed: it was deleted (here or in another tab). Reload to start a new, empty one.`;
        byTestId('store-closed').hidden = false;
      },
    });
  byTestId('store-closed-reload').addEventListener('click', () => location.reload());
}

void start();
