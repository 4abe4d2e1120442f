import type { LiveQuery } from '../../src/index.js';

/**
 * Keeps one live query subscribed at a time: `watch()` drops the previous
 * one and subscribes to what `make` returns now (when a filter or key in
 * the form changed). `make` may return undefined for "nothing to show".
 */
export function liveView<T>(make: () => LiveQuery<T> | undefined, show: (value: T) => void, fail: (err: unknown) => void): () => void {
  let stop: (() => void) | undefined;
  return () => {
    stop?.();
    stop = undefined;
    const query = make();
    if (query) stop = query.subscribe(show, fail);
  };
}
