import { deleteStore, type Store } from '../../src/index.js';
import { byTestId, clear, coalesce, formatBytes, onClick, showError, showResult } from './dom.js';

const ENGINE_LABEL = {
  opfs: 'SQLite on OPFS (opfs-sahpool)',
  idb: 'In-memory SQLite, saved to IndexedDB',
  memory: 'In-memory SQLite (volatile)',
  file: 'SQLite file',
  'durable-object': 'Durable Object SQLite',
} as const;

/** The header pills and the storage card: engine, role, quota, persistence, export, import and delete. */
export function mountStatus(store: Store): void {
  setPill('status-storage', `storage: ${store.storage}`, store.storage);
  setPill('status-db', `db: ${store.name}`);
  const showRole = () => setPill('status-role', `role: ${store.role}`, store.role);
  showRole();
  store.onRoleChange(showRole);

  let changes = 0;
  const showChanges = coalesce(() => setPill('status-changes', `${changes.toLocaleString()} change${changes === 1 ? '' : 's'} seen`));
  store.onChange(() => {
    changes++;
    showChanges();
  });

  byTestId('storage-kind').textContent = ENGINE_LABEL[store.storage];
  byTestId('volatile-warning').hidden = store.storage !== 'memory';
  byTestId('storage-db').textContent = store.name;
  const error = byTestId('storage-error');
  const note = byTestId('storage-note');

  const refreshEstimate = throttle(async () => {
    if (!navigator.storage?.estimate) {
      byTestId('storage-estimate').textContent = 'not reported by this browser';
      return;
    }
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    byTestId('storage-estimate').textContent = `${formatBytes(usage)} of ${formatBytes(quota)}`;
    const share = quota > 0 ? Math.max(usage / quota, usage > 0 ? 0.01 : 0) : 0;
    byTestId('storage-meter').style.width = `${Math.min(share * 100, 100).toFixed(2)}%`;
  }, 1000);
  refreshEstimate();
  store.onChange(refreshEstimate);

  const persisted = byTestId('storage-persisted');
  const showPersisted = (value: boolean) => {
    persisted.textContent = value ? 'persisted' : 'not persisted';
    persisted.dataset.kind = value ? 'ok' : 'warn';
  };
  if (navigator.storage?.persisted) void navigator.storage.persisted().then(showPersisted, (err) => showError(error, err));
  else persisted.textContent = 'unknown';

  const persistButton = byTestId<HTMLButtonElement>('storage-persist');
  onClick(persistButton, error, async () => {
    clear(note);
    if (!navigator.storage?.persist) throw new Error('This browser has no navigator.storage.persist().');
    const granted = await navigator.storage.persist();
    showPersisted(granted);
    showResult(
      note,
      granted
        ? 'Storage is persisted: the browser will not evict this origin’s data under storage pressure.'
        : 'The browser declined for now. It usually grants persistence to installed or frequently used sites.',
    );
  });

  onClick(byTestId<HTMLButtonElement>('export-db'), error, async () => {
    clear(note);
    const image = await store.export();
    const file = `${store.name}.sqlite3`;
    const url = URL.createObjectURL(new Blob([image as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    showResult(note, `Exported ${file} (${formatBytes(image.byteLength)}), a regular SQLite database file.`);
  });

  const picker = byTestId<HTMLInputElement>('import-file');
  onClick(byTestId<HTMLButtonElement>('import-db'), error, async () => {
    clear(note);
    picker.value = '';
    picker.click();
  });
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    if (!file) return;
    clear(note, error);
    showResult(note, `Checking and importing ${file.name}…`);
    // Every panel of every tab reads again when the import's notice arrives.
    store.import(file).then(
      () => showResult(note, `Imported ${file.name} (${formatBytes(file.size)}): it replaced this database in every tab.`),
      (err: unknown) => {
        clear(note);
        showError(error, err);
      },
    );
  });

  // Two clicks: the first arms the button for a few seconds, so a stray click deletes nothing.
  const deleteButton = byTestId<HTMLButtonElement>('delete-db');
  let armed: ReturnType<typeof setTimeout> | undefined;
  onClick(deleteButton, error, async () => {
    clear(note);
    if (armed === undefined) {
      deleteButton.textContent = 'Click again to delete';
      armed = setTimeout(() => {
        armed = undefined;
        deleteButton.textContent = 'Delete database';
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = undefined;
    deleteButton.textContent = 'Delete database';
    const before = (await navigator.storage?.estimate?.())?.usage;
    await deleteStore(store.name);
    const after = (await navigator.storage?.estimate?.())?.usage;
    const freed = before !== undefined && after !== undefined ? `; ${formatBytes(Math.max(before - after, 0))} given back` : '';
    showResult(note, `Deleted database ${store.name} and its files${freed}. Reload to start a new, empty one.`);
  });
}

function setPill(testId: string, text: string, kind?: string): void {
  const pill = byTestId(testId);
  pill.lastChild!.textContent = text;
  if (kind) pill.dataset.kind = kind;
}

/** Runs `task` at once, then at most once per `ms` while asked for again. */
function throttle(task: () => Promise<void>, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    task().catch((err) => showError(byTestId('storage-error'), err));
  };
  return () => {
    if (timer) return;
    timer = setTimeout(run, Math.max(0, last + ms - Date.now()));
  };
}
