import type { LiveQuery, LiveValue } from '../../src/index.js';

/** What a live query delivered through one async iterator, in order, with ways to wait. */
export type Collected<T> = {
  values: LiveValue<T>[];
  /** Resolves with the first delivered value (already delivered or later) that matches. */
  until(matches: (value: T, version: number) => boolean): Promise<LiveValue<T>>;
  /** Resolves once the iteration ended: with the error it threw, or undefined when it completed. */
  ended: Promise<unknown>;
  /** Breaks the loop (as `break` in a `for await` would). */
  stop(): Promise<void>;
};

/** Iterates `query` in the background and keeps every `{ value, version }` it yields. */
export function collect<T>(query: LiveQuery<T>): Collected<T> {
  const values: LiveValue<T>[] = [];
  const waiters: { check: () => boolean }[] = [];
  const iterator = query[Symbol.asyncIterator]();
  const ended = (async () => {
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return undefined;
        values.push(step.value);
        for (const w of [...waiters]) if (w.check()) waiters.splice(waiters.indexOf(w), 1);
      }
    } catch (err) {
      return err;
    }
  })();
  return {
    values,
    until: (matches) =>
      new Promise((resolve) => {
        const check = () => {
          const found = values.find((v) => matches(v.value, v.version));
          if (found) resolve(found);
          return found !== undefined;
        };
        if (!check()) waiters.push({ check });
      }),
    ended,
    async stop() {
      await iterator.return?.();
    },
  };
}

/** Wraps a live query function to count how often it ran. */
export function counted<A extends unknown[], R>(fn: (...args: A) => Promise<R>): { fn: (...args: A) => Promise<R>; runs: () => number } {
  let runs = 0;
  return {
    fn: (...args: A) => {
      runs += 1;
      return fn(...args);
    },
    runs: () => runs,
  };
}

/** Resolves at the first value `subscribe` delivers that matches; rejects at an error unless `errors` collects it. */
export function nextValue<T>(query: LiveQuery<T>, matches: (value: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    let off: (() => void) | undefined;
    let done = false;
    off = query.subscribe(
      (value) => {
        if (done || !matches(value)) return;
        done = true;
        // May run inside subscribe() (a known value is delivered at once), before `off` is set.
        queueMicrotask(() => off?.());
        resolve(value);
      },
      (err) => {
        done = true;
        queueMicrotask(() => off?.());
        reject(err);
      },
    );
  });
}
