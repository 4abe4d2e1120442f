import type { Store } from '../../src/index.js';
import { byTestId, clear, coalesce, formatValue, onClick, onSubmit, parseLoose, showError, showResult } from './dom.js';

/** Globals: write-once put, overwriting upsert, get, and the live value of the key in the form. */
export function mountGlobals(store: Store): void {
  const form = byTestId<HTMLFormElement>('global-form');
  const key = byTestId<HTMLInputElement>('global-key');
  const value = byTestId<HTMLInputElement>('global-value');
  const result = byTestId('global-result');
  const error = byTestId('global-error');
  const current = byTestId('global-current');

  const refresh = coalesce(async () => {
    byTestId('global-current-key').textContent = JSON.stringify(key.value);
    try {
      const got = await store.globals.get(key.value);
      current.textContent = got === undefined ? '(not set)' : JSON.stringify(got, null, 2);
      current.dataset.empty = String(got === undefined);
    } catch (err) {
      showError(error, err);
    }
  });

  onSubmit(form, byTestId<HTMLButtonElement>('global-put'), error, async () => {
    clear(result);
    await store.globals.put(key.value, parseLoose(value.value));
    showResult(result, `Stored ${JSON.stringify(key.value)} once; use Upsert to change it.`);
    refresh();
  });
  onClick(byTestId<HTMLButtonElement>('global-upsert'), error, async () => {
    clear(result);
    await store.globals.upsert(key.value, parseLoose(value.value));
    showResult(result, `Upserted ${JSON.stringify(key.value)}.`);
    refresh();
  });
  onClick(byTestId<HTMLButtonElement>('global-get'), error, async () => {
    clear(result);
    showResult(result, `${JSON.stringify(key.value)} = ${formatValue(await store.globals.get(key.value))}`);
  });

  key.addEventListener('input', refresh);
  store.onChange((c) => {
    if (c.module === 'globals') refresh();
  });
  refresh();
}
