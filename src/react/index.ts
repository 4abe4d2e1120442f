import { createContext, createElement, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { LiveQuery, Store } from '../index.js';

const StoreContext = createContext<Store | null>(null);

/** Props of {@link StoreProvider}. */
export type StoreProviderProps = { store: Store; children?: ReactNode };

/** Makes an opened store available to {@link useStore} and {@link useLiveQuery} below it. */
export function StoreProvider({ store, children }: StoreProviderProps): ReactNode {
  return createElement(StoreContext.Provider, { value: store }, children);
}

/**
 * The store of the nearest {@link StoreProvider}.
 * @throws Error if there is none.
 */
export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore() and useLiveQuery() need a <StoreProvider store={…}> above this component.');
  return store;
}

type Snapshot<T> = { ok: true; value: T } | { ok: false; error: unknown } | undefined;

/** One live query as useSyncExternalStore sees it: subscribe, and the last result it delivered. */
type Source<T> = { subscribe(onChange: () => void): () => void; get(): Snapshot<T> };

function sourceOf<T>(live: LiveQuery<T>): Source<T> {
  let snapshot: Snapshot<T>;
  return {
    subscribe(onChange) {
      const sub = live.subscribe({
        next(value) {
          snapshot = { ok: true, value };
          onChange();
        },
        error(error) {
          snapshot = { ok: false, error };
          onChange();
        },
      });
      return () => sub.unsubscribe();
    },
    get: () => snapshot,
  };
}

/**
 * The result of `query` run as a live query on the store of the nearest
 * {@link StoreProvider}: undefined while the first run is loading, then
 * re-rendered after each committed change (from any tab) that could change
 * it. `deps` are the values `query` uses, as for useMemo: when one changes,
 * a new live query replaces the old. A run's error is thrown during render,
 * for an error boundary; the query keeps running and the next value replaces it.
 *
 * Built on useSyncExternalStore: one subscription per mounted component,
 * released on unmount (StrictMode's extra mount and unmount leave one).
 */
export function useLiveQuery<T>(query: (store: Store) => Promise<T>, deps: unknown[]): T | undefined {
  const store = useStore();
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` stand for what `query` closes over
  const source = useMemo(() => sourceOf(store.live(query)), [store, ...deps]);
  const snapshot = useSyncExternalStore(source.subscribe, source.get, noSnapshot);
  if (snapshot && !snapshot.ok) throw snapshot.error;
  return snapshot?.value;
}

/** On the server nothing is loaded yet. */
function noSnapshot(): undefined {
  return undefined;
}
