import type { Frame, FrameInput, Store } from '../../src/index.js';
import { byTestId, clock, formatValue, h, onSubmit, parseLoose, showError } from './dom.js';
import { liveView } from './live.js';

const KEEP = 200;
const BEST_EFFORT_TTL_MS = 30_000;

/** A stream: append frames in each mode, a live tail (streams.follow) and the summary document. */
export function mountStream(store: Store): void {
  const form = byTestId<HTMLFormElement>('stream-form');
  const name = byTestId<HTMLInputElement>('stream-name');
  const kind = byTestId<HTMLInputElement>('stream-kind');
  const data = byTestId<HTMLInputElement>('stream-data');
  const error = byTestId('stream-error');
  const tail = byTestId('stream-tail');
  const count = byTestId('stream-count');
  const summary = byTestId('stream-summary');
  let following: AbortController | undefined;
  let seen = 0;

  const streamName = () => name.value.trim();
  const showCount = () => {
    count.textContent = `${seen.toLocaleString()} frame${seen === 1 ? '' : 's'}`;
  };

  const addFrame = (frame: Frame) => {
    tail.querySelector('.empty')?.remove();
    seen++;
    showCount();
    tail.append(
      h(
        'li',
        { 'data-testid': 'stream-frame', 'data-seq': String(frame.seq), 'data-mode': frame.mode },
        h('span', { class: 'seq' }, `#${frame.seq}`),
        h('span', { class: `mode ${frame.mode}` }, frame.mode),
        h('span', { class: 'kind' }, frame.kind),
        h('code', { class: 'data' }, formatValue(frame.data)),
        h('time', {}, clock(frame.at)),
      ),
    );
    while (tail.children.length > KEEP) tail.firstElementChild?.remove();
    tail.scrollTop = tail.scrollHeight;
  };

  // The summary document, live: re-read only when a summary frame lands (in any tab), not for every frame.
  const watchSummary = liveView(
    () => {
      delete summary.dataset.loaded;
      const stream = streamName();
      return stream ? store.streams.liveSummary(stream) : undefined;
    },
    (doc) => {
      summary.textContent = doc ? JSON.stringify(doc.doc, null, 2) : 'no summary frames yet';
      summary.dataset.empty = String(!doc);
      summary.dataset.loaded = 'true';
      byTestId('stream-summary-version').textContent = doc ? `version ${doc.version} · ${clock(doc.lastUpdatedAt)}` : '';
    },
    (err) => showError(error, err),
  );

  const follow = () => {
    following?.abort();
    const stop = new AbortController();
    following = stop;
    seen = 0;
    count.textContent = '';
    byTestId('stream-title').textContent = streamName() || '…';
    tail.replaceChildren(h('li', { class: 'empty' }, 'Waiting for frames… append one here or in another tab.'));
    watchSummary();
    const stream = streamName();
    if (!stream) return;
    delete tail.dataset.loaded;
    void (async () => {
      try {
        // History first, so the panel can say when it is complete (even when empty), then live frames.
        const history = await store.streams.read(stream, { from: '-', limit: 1000 });
        if (stop.signal.aborted) return;
        for (const frame of history.frames) addFrame(frame);
        tail.dataset.loaded = 'true';
        showCount();
        const after = history.frames.at(-1)?.seq ?? 0;
        for await (const frame of store.streams.follow(stream, { after, signal: stop.signal })) addFrame(frame);
        if (!stop.signal.aborted) tail.append(h('li', { class: 'closed' }, 'The stream was closed.'));
      } catch (err) {
        if (!stop.signal.aborted) showError(error, err);
      }
    })();
  };

  onSubmit(form, byTestId<HTMLButtonElement>('stream-append'), error, async () => {
    const picked = new FormData(form).get('mode');
    const mode: FrameInput['mode'] =
      picked === 'summary' ? 'summary' : picked === 'best-effort' ? { ttlMs: BEST_EFFORT_TTL_MS } : 'durable';
    await store.streams.append(streamName(), { kind: kind.value.trim() || undefined, data: parseLoose(data.value), mode });
  });

  name.addEventListener('change', follow);
  // An import replaced the stream with another one's frames: show those from the start.
  store.onChange((c) => {
    if (c.module === 'database') follow();
  });
  follow();
}
