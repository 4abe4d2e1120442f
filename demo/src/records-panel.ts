import type { Store } from '../../src/index.js';
import { byTestId, clock, coalesce, formatValue, h, onSubmit, parseLoose, showError } from './dom.js';

/** Records: append with optional lineage, and the list of one (task, attempt). */
export function mountRecords(store: Store): void {
  const form = byTestId<HTMLFormElement>('record-form');
  const task = byTestId<HTMLInputElement>('record-task');
  const attempt = byTestId<HTMLInputElement>('record-attempt');
  const producer = byTestId<HTMLInputElement>('record-producer');
  const event = byTestId<HTMLInputElement>('record-event');
  const link = byTestId<HTMLInputElement>('record-link');
  const error = byTestId('record-error');
  const list = byTestId('record-list');

  const refresh = coalesce(async () => {
    const taskId = task.value.trim();
    const n = attempt.valueAsNumber;
    byTestId('record-list-key').textContent = `${taskId || '…'} · attempt ${Number.isNaN(n) ? '…' : n}`;
    if (!taskId || !Number.isInteger(n)) {
      list.replaceChildren(h('li', { class: 'empty' }, 'Type a task id and an attempt.'));
      return;
    }
    try {
      const records = await store.records.list(taskId, n);
      list.replaceChildren(
        ...(records.length
          ? records
              .slice(-20)
              .reverse()
              .map((r) =>
                h(
                  'li',
                  { 'data-testid': 'record-item', 'data-id': r.id },
                  h('div', { class: 'line' }, h('span', { class: 'tag records' }, r.producer), h('code', {}, formatValue(r.event))),
                  h(
                    'div',
                    { class: 'meta' },
                    `#${r.seq} · ${r.id.slice(0, 8)}`,
                    r.parents.length ? ` ← ${r.parents.map((p) => p.slice(0, 8)).join(', ')}` : '',
                    ` · ${clock(r.createdAt)}`,
                  ),
                ),
              )
          : [h('li', { class: 'empty' }, 'No records for this attempt yet.')]),
      );
    } catch (err) {
      showError(error, err);
    }
  });

  onSubmit(form, byTestId<HTMLButtonElement>('record-append'), error, async () => {
    const taskId = task.value.trim();
    const n = attempt.valueAsNumber;
    // Read the parent at append time, not from the rendered list, which may lag behind other tabs.
    const parent = link.checked && taskId && Number.isInteger(n) ? (await store.records.list(taskId, n)).at(-1)?.id : undefined;
    await store.records.append({
      taskId,
      attempt: n,
      producer: producer.value.trim(),
      event: parseLoose(event.value),
      parents: parent ? [parent] : [],
    });
    refresh();
  });

  task.addEventListener('input', refresh);
  attempt.addEventListener('input', refresh);
  store.onChange((c) => {
    if (c.module === 'records' || c.module === 'database') refresh();
  });
  refresh();
}
