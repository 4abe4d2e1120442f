import { Component, createElement, StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { NotFoundError, openStore, type Row, type Store } from '../../src/in-process.js';
import { StoreProvider, useLiveQuery, useStore } from '../../src/react/index.js';
import { uniqueName } from '../support/backends.js';
import { autoStorage } from '../support/engine.js';
import { counted } from '../support/live.js';
import { T, todos, type Todo } from '../support/tables-fixtures.js';

/** Resolves once `el`'s text matches (checked now and after each DOM change). */
function textOf(el: HTMLElement, matches: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const text = el.textContent ?? '';
      if (!matches(text)) return false;
      observer.disconnect();
      resolve(text);
      return true;
    };
    const observer = new MutationObserver(check);
    observer.observe(el, { childList: true, subtree: true, characterData: true });
    check();
  });
}

describe('flowstore/react', () => {
  const open: Store[] = [];
  const roots: { unmount(): void }[] = [];
  afterEach(async () => {
    for (const root of roots.splice(0)) root.unmount();
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('useLiveQuery under StrictMode: loading, then rows, updated by a write from another store; one subscription', async () => {
    const name = uniqueName('react');
    const a = await openStore({ name, storage: autoStorage });
    const b = await openStore({ name, storage: autoStorage });
    open.push(a, b);
    const ta = await todos(a);
    const baseline = b.feed.listenerCount;
    const query = counted(async (s: Store) => (await s.table<Todo>('items', T)).list({ orderBy: 'title', desc: false }));
    const rendered: (Row<Todo>[] | undefined)[] = [];

    function Titles() {
      const rows = useLiveQuery(query.fn, []);
      expectTypeOf(rows).toEqualTypeOf<Row<Todo>[] | undefined>();
      expect(useStore()).toBe(b);
      rendered.push(rows);
      return createElement('p', null, rows === undefined ? 'loading' : `rows: ${rows.map((r) => r.data.title).join(',')}`);
    }

    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    roots.push(root);
    root.render(createElement(StrictMode, null, createElement(StoreProvider, { store: b }, createElement(Titles))));
    await textOf(el, (t) => t === 'rows: ');
    expect(rendered[0]).toBeUndefined();
    // StrictMode mounted, unmounted and mounted again: one live query is listening (for notices,
    // for the store's close, for a new leader), and it ran once.
    expect(b.feed.listenerCount - baseline).toBe(3);
    expect(query.runs()).toBe(1);

    await ta.create({ title: 'from A' });
    await textOf(el, (t) => t === 'rows: from A');
    await ta.create({ title: 'second' });
    await textOf(el, (t) => t === 'rows: from A,second');
    expect(query.runs()).toBe(3);

    root.unmount();
    roots.splice(0);
    await Promise.resolve();
    expect(b.feed.listenerCount).toBe(baseline);
  });

  it("throws a run's error, with its class, to the nearest error boundary", async () => {
    const store = await openStore({ name: uniqueName('react-error'), storage: autoStorage });
    open.push(store);
    let caught!: (err: unknown) => void;
    const error = new Promise<unknown>((resolve) => (caught = resolve));

    class Boundary extends Component<{ children?: ReactNode }, { error?: unknown }> {
      override state: { error?: unknown } = {};
      static getDerivedStateFromError(error: unknown) {
        return { error };
      }
      override componentDidCatch(err: unknown) {
        caught(err);
      }
      override render() {
        return this.state.error ? createElement('p', null, `failed: ${(this.state.error as NotFoundError).code}`) : this.props.children;
      }
    }
    function Latest() {
      const entry = useLiveQuery((s) => s.records.latest('planner'), []);
      return createElement('p', null, entry === undefined ? 'loading' : `event: ${String(entry.event)}`);
    }

    const el = document.createElement('div');
    document.body.append(el);
    const root = createRoot(el);
    roots.push(root);
    root.render(createElement(StoreProvider, { store }, createElement(Boundary, null, createElement(Latest))));
    expect(await error).toBeInstanceOf(NotFoundError);
    await textOf(el, (t) => t === 'failed: NOT_FOUND');
  });
});
