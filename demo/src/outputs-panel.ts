import type { Store } from '../../src/index.js';
import { byTestId, clear, coalesce, formatValue, h, onClick, onSubmit, parseLoose, showError, showResult } from './dom.js';

const SHOWN = 20;

/** Write-once outputs: put (AlreadyExistsError shown inline), get, and the run's outputs. */
export function mountOutputs(store: Store): void {
  const form = byTestId<HTMLFormElement>('output-form');
  const run = byTestId<HTMLInputElement>('output-run');
  const node = byTestId<HTMLInputElement>('output-node');
  const value = byTestId<HTMLInputElement>('output-value');
  const result = byTestId('output-result');
  const error = byTestId('output-error');
  const list = byTestId('output-list');

  const refresh = coalesce(async () => {
    const runId = run.value.trim();
    byTestId('output-list-run').textContent = runId || '…';
    if (!runId) {
      list.replaceChildren(h('li', { class: 'empty' }, 'Type a run id.'));
      return;
    }
    try {
      const keys = await store.outputs.keys(runId);
      const shown = keys.slice(-SHOWN).reverse();
      const values = await Promise.all(shown.map((k) => store.outputs.get(runId, k)));
      const items = shown.map((k, i) =>
        h(
          'li',
          { 'data-testid': 'output-item', 'data-node': k },
          h('span', { class: 'k' }, k),
          h('code', { class: 'v' }, formatValue(values[i])),
        ),
      );
      if (keys.length > SHOWN) items.push(h('li', { class: 'more' }, `and ${(keys.length - SHOWN).toLocaleString()} earlier outputs`));
      list.replaceChildren(...(items.length ? items : [h('li', { class: 'empty' }, 'No outputs in this run yet.')]));
    } catch (err) {
      showError(error, err);
    }
  });

  onSubmit(form, byTestId<HTMLButtonElement>('output-put'), error, async () => {
    clear(result);
    await store.outputs.put(run.value.trim(), node.value.trim(), parseLoose(value.value));
    showResult(result, `Stored ${run.value.trim()} / ${node.value.trim()}. A second put of this pair will be refused.`);
    refresh();
  });
  onClick(byTestId<HTMLButtonElement>('output-get'), error, async () => {
    clear(result);
    const got = await store.outputs.get(run.value.trim(), node.value.trim());
    showResult(result, `${run.value.trim()} / ${node.value.trim()} = ${formatValue(got)}`);
  });

  run.addEventListener('input', refresh);
  store.onChange((c) => {
    if (c.module === 'outputs' || c.module === 'database') refresh();
  });
  refresh();
}
