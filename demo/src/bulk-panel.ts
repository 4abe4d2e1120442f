import type { Store } from '../../src/index.js';
import { byTestId, onClick } from './dom.js';

const TOTAL = 10_000;
const CHUNK = 500;

/** "Write 10,000 outputs": concurrent puts in chunks, with a progress bar and the time taken. */
export function mountBulk(store: Store): void {
  const button = byTestId<HTMLButtonElement>('bulk-write');
  const bar = byTestId('bulk-progress');
  const fill = bar.firstElementChild as HTMLElement;
  const count = byTestId('bulk-count');
  const status = byTestId('bulk-status');
  const showRun = byTestId<HTMLButtonElement>('bulk-show');
  let lastRun = '';
  showRun.addEventListener('click', () => {
    const runField = byTestId<HTMLInputElement>('output-run');
    runField.value = lastRun;
    runField.dispatchEvent(new Event('input'));
    byTestId('panel-outputs').scrollIntoView({ behavior: 'smooth', block: 'center' });
  });

  const show = (done: number, started: number) => {
    fill.style.width = `${(done / TOTAL) * 100}%`;
    bar.setAttribute('aria-valuenow', String(done));
    count.textContent = `${done.toLocaleString()} / ${TOTAL.toLocaleString()}`;
    status.textContent = seconds(performance.now() - started);
  };

  onClick(button, byTestId('bulk-error'), async () => {
    const run = `bulk-${Date.now().toString(36)}`;
    const started = performance.now();
    bar.dataset.state = 'running';
    show(0, started);
    try {
      for (let offset = 0; offset < TOTAL; offset += CHUNK) {
        // One chunk is issued in one tick, so it travels as one message and commits as one transaction.
        await Promise.all(
          Array.from({ length: CHUNK }, (_, i) => store.outputs.put(run, `n${offset + i}`, { index: offset + i, at: Date.now() })),
        );
        show(offset + CHUNK, started);
      }
    } catch (err) {
      bar.dataset.state = 'failed';
      status.textContent = 'stopped';
      throw err;
    }
    const ms = performance.now() - started;
    bar.dataset.state = 'done';
    status.textContent = `done in ${seconds(ms)} · ${Math.round((TOTAL / ms) * 1000).toLocaleString()}/s`;
    lastRun = run;
    showRun.hidden = false;
    showRun.title = `Show run ${run} in the Outputs card`;
  });
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
