import type { Json } from '../../src/index.js';

/** The element with this data-testid; throws if the page markup lacks it. */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`demo markup is missing data-testid="${id}"`);
  return el;
}

/** Creates an element with text or children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') el.className = value;
    else el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/** Shows an error the way a user should see it: its class and code, then its message. */
export function showError(el: HTMLElement, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  el.replaceChildren(h('strong', {}, typeof code === 'string' ? `${e.name} · ${code}` : e.name), ' ', e.message);
  el.hidden = false;
}

/** Hides an inline message. */
export function clear(...els: HTMLElement[]): void {
  for (const el of els) {
    el.hidden = true;
    el.replaceChildren();
  }
}

/** Shows a success line. */
export function showResult(el: HTMLElement, text: string): void {
  el.textContent = text;
  el.hidden = false;
}

/** Reads a form field as JSON when it parses, otherwise as the plain text typed. */
export function parseLoose(text: string): Json {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    return text;
  }
}

/** A compact one-line rendering of a JSON value (bytes shown by length). */
export function formatValue(value: Json | Uint8Array | undefined): string {
  if (value === undefined) return '(none)';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  return JSON.stringify(value);
}

/** Clock time with seconds, in the user's locale. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Bytes as a short human size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Runs `task` at most about every 50 ms however often it is asked for, so a
 * burst of change notices (10,000 puts) costs a few refreshes, not 10,000.
 * A timer, not requestAnimationFrame: a background tab must still refresh.
 */
export function coalesce(task: () => void | Promise<void>): () => void {
  let queued = false;
  let running: Promise<void> | undefined;
  let again = false;
  const run = async () => {
    queued = false;
    if (running) {
      again = true;
      return;
    }
    running = Promise.resolve(task()).finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
    await running;
  };
  const schedule = () => {
    if (queued) return;
    queued = true;
    setTimeout(() => void run(), 50);
  };
  return schedule;
}

/** Wires a button to an async action: disabled while it runs, errors shown in `errorEl`. */
export function onClick(button: HTMLButtonElement, errorEl: HTMLElement, action: () => Promise<void>): void {
  button.addEventListener('click', (event) => {
    event.preventDefault();
    void guard(button, errorEl, action);
  });
}

/** Wires a form's submit to an async action, like {@link onClick}. */
export function onSubmit(form: HTMLFormElement, button: HTMLButtonElement, errorEl: HTMLElement, action: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void guard(button, errorEl, action);
  });
}

async function guard(button: HTMLButtonElement, errorEl: HTMLElement, action: () => Promise<void>): Promise<void> {
  clear(errorEl);
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    showError(errorEl, err);
  } finally {
    button.disabled = false;
  }
}
