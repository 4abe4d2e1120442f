import type { Change, Store } from '../../src/index.js';
import { byTestId, clock, coalesce, h } from './dom.js';

const KEEP = 30;
/** Changes to one run within this long fold into one line (a bulk write would scroll everything else away). */
const FOLD_MS = 1000;

type Entry = { change: Change; at: number; repeat: number; el: HTMLLIElement };

/** A live list of committed changes from every tab, fed by store.onChange. */
export function mountActivity(store: Store): void {
  const list = byTestId('activity-list');
  const entries: Entry[] = [];

  const paintTop = coalesce(() => {
    const top = entries[0];
    if (!top) return;
    top.el.querySelector('.key')!.textContent = `${runOf(top.change)}/*`;
    top.el.querySelector('.repeat')!.textContent = `×${top.repeat.toLocaleString()}`;
    top.el.querySelector('time')!.textContent = clock(top.at);
  });

  store.onChange((change) => {
    const now = Date.now();
    const top = entries[0];
    if (
      top &&
      top.change.module === 'outputs' &&
      change.module === 'outputs' &&
      now - top.at < FOLD_MS &&
      runOf(top.change) === runOf(change)
    ) {
      top.repeat++;
      top.at = now;
      // A burst of 10,000 notices repaints this line a few times, not 10,000.
      paintTop();
      return;
    }
    // New lines go on top; existing ones stay put, so only the new line plays its arrival highlight.
    const el = h(
      'li',
      { 'data-testid': 'activity-item', 'data-module': change.module },
      h('span', { class: `tag ${change.module}` }, change.module),
      h('span', { class: 'key' }, describeKey(change)),
      h('span', { class: 'repeat' }),
      h('time', {}, clock(now)),
    );
    entries.unshift({ change, at: now, repeat: 1, el });
    list.querySelector('.empty')?.remove();
    list.prepend(el);
    for (const old of entries.splice(KEEP)) old.el.remove();
  });
}

/** Output notices are keyed by (run, node); only used to fold a bulk write into one line. */
function runOf(change: Change): string {
  return String(partsOf(change)[0]);
}

/** Shows a key the way people name the thing: "run/node", "stream · attempt 0". */
function describeKey(change: Change): string {
  const parts = partsOf(change);
  const key = change.module === 'outputs' ? parts.join('/') : parts.length === 2 ? `${parts[0]} · attempt ${parts[1]}` : String(parts[0]);
  return change.seq === undefined ? key : `${key} · #${change.seq}`;
}

/** Outputs, records and streams are keyed by a JSON array of their ids; globals and tables by one plain name. */
function partsOf(change: Change): unknown[] {
  if (change.module === 'globals' || change.module === 'table') return [change.key];
  try {
    const parts: unknown = JSON.parse(change.key);
    if (Array.isArray(parts)) return parts;
  } catch {
    // not JSON after all: show it as it is
  }
  return [change.key];
}
