import type { Store } from '../../src/index.js';
import { byTestId, clear, formatValue, onClick, onSubmit, parseLoose, showError, showResult } from './dom.js';
import { liveView } from './live.js';

/** Globals: write-once put, overwriting upsert, get, and the live value of the key in the form. */
export function mountGlobals(store: Store): void {
  const form = byTestId<HTMLFormElement>('global-form');
  const key = byTestId<HTMLInputElement>('global-key');
  const value = byTestId<HTMLInputElement>('global-value');
  const result = byTestId('global-result');
  const error = byTestId('global-error');
  const current = byTestId('global-current');

  // The key's value, live: a write in any tab shows here, from the change notice itself when small.
  const watch = liveView(
    () => {
      byTestId('global-current-key').textContent = JSON.stringify(key.value);
      return store.globals.live(key.value);
    },
    (got) => {
      current.textContent = got === undefined ? '(not set)' : JSON.stringify(got, null, 2);
      current.dataset.empty = String(got === undefined);
    },
    (err) => showError(error, err),
  );

  onSubmit(form, byTestId<HTMLButtonElement>('global-put'), error, async () => {
    clear(result);
    await store.globals.put(key.value, parseLoose(value.value));
    showResult(result, `Stored ${JSON.stringify(key.value)} once; use Upsert to change it.`);
  });
  onClick(byTestId<HTMLButtonElement>('global-upsert'), error, async () => {
    clear(result);
    await store.globals.upsert(key.value, parseLoose(value.value));
    showResult(result, `Upserted ${JSON.stringify(key.value)}.`);
  });
  onClick(byTestId<HTMLButtonElement>('global-get'), error, async () => {
    clear(result);
    showResult(result, `${JSON.stringify(key.value)} = ${formatValue(await store.globals.get(key.value))}`);
  });

  key.addEventListener('input', watch);
  watch();
}
