import { StoreError } from '../../src/index.js';
import type { Arena } from './hostile-arena.js';
import { plan, type GroupCtx, type Planned } from './hostile-plan.js';
import type { Slot } from './hostile-slots.js';
import { sameValue } from './json-model.js';

/** Counts of one hostile run; every count but calls, valid, accepted and refused must stay 0. */
export type Tally = {
  calls: number;
  valid: number;
  accepted: number;
  refused: number;
  /** Outcomes that are not a typed refusal of the input: a raw error, or a store failure (STORAGE, TIMEOUT, …). */
  untyped: number;
  /** Valid calls that failed. */
  harmed: number;
  hangs: number;
  /** Accepted values or keys that read back different, and refused keys whose U+FFFD form holds a value. */
  changed: number;
  /** Values accepted that the README's value space refuses, or refused that it accepts. */
  wrongVerdict: number;
  problems: string[];
  /** How many problems to keep in `problems`. */
  keep: number;
};

export function newTally(keep = 40): Tally {
  return { calls: 0, valid: 0, accepted: 0, refused: 0, untyped: 0, harmed: 0, hangs: 0, changed: 0, wrongVerdict: 0, problems: [], keep };
}

/** The counts that must be 0. */
export function badCounts(t: Tally): Pick<Tally, 'untyped' | 'harmed' | 'hangs' | 'changed' | 'wrongVerdict'> {
  return { untyped: t.untyped, harmed: t.harmed, hangs: t.hangs, changed: t.changed, wrongVerdict: t.wrongVerdict };
}

/** The codes that say "this input was refused", as opposed to "the store failed". */
const INPUT_CODES = new Set(['VALIDATION', 'NOT_FOUND', 'ALREADY_EXISTS', 'AMBIGUOUS_ID']);

const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

function describeError(err: unknown): string {
  if (err instanceof Error)
    return `${err.constructor.name}${err instanceof StoreError ? ` ${err.code}` : ''}: ${err.message.slice(0, 200)}`;
  return `a thrown ${typeof err}`;
}

function note(t: Tally, problem: string): void {
  if (t.problems.length < t.keep) t.problems.push(problem);
}

/** Resolves with the promise's value, or with `undefined` if it takes longer than `ms` (no bound without `ms`). */
async function within<T>(p: Promise<T>, ms: number | undefined): Promise<T | undefined> {
  if (ms === undefined) return p;
  let timer: number | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms) as unknown as number));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function start(p: Planned): Promise<unknown> {
  try {
    return Promise.resolve(p.call());
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Issues the slots' calls in one tick, aborts the group's signal, waits for
 * every outcome, then reads back everything accepted (again in one tick) and
 * counts what went wrong into `t`. Returns false if the group hung (only
 * with `guardMs`, the fuzz run's bound): the store is then not to be trusted.
 */
export async function runGroup(a: Arena, slots: Slot[], t: Tally, guardMs?: number): Promise<boolean> {
  a.group += 1;
  const abort = new AbortController();
  const ctx: GroupCtx = { run: `run-${a.group}`, stream: `gs-${a.group}`, signal: abort.signal, nodes: [], frames: [] };
  const planned = slots.map((s, i) => plan(a, s, i, ctx));
  const outcomes = Promise.allSettled(planned.map(start));
  abort.abort();
  const settled = await within(outcomes, guardMs);
  if (!settled) {
    t.hangs += 1;
    note(t, `group ${a.group} did not settle: ${planned.map((p) => p.label).join('; ')}`);
    return false;
  }
  const checks: Promise<void>[] = [];
  const check = (label: string, problem: () => Promise<string | undefined>) =>
    checks.push(
      problem().then(
        (found) => {
          if (found === undefined) return;
          t.changed += 1;
          note(t, found);
        },
        (err: unknown) => {
          t.changed += 1;
          note(t, `${label}: reading it back failed: ${describeError(err)}`);
        },
      ),
    );
  settled.forEach((r, i) => {
    const p = planned[i]!;
    t.calls += 1;
    if (p.kind === 'valid') t.valid += 1;
    const fine = r.status === 'fulfilled';
    const err: unknown = fine ? undefined : r.reason;
    const refusal = !fine && err instanceof StoreError && INPUT_CODES.has(err.code);
    if (p.kind === 'abort') {
      if (fine || !isAbort(err)) {
        t.untyped += 1;
        note(t, `${p.label}: ${fine ? 'resolved' : describeError(err)} instead of an AbortError`);
      }
      return;
    }
    if (p.kind === 'valid') {
      if (!fine) {
        t.harmed += 1;
        note(t, `${p.label} failed beside hostile calls: ${describeError(err)}`);
      } else if (p.verify) check(p.label, () => p.verify!(r.value));
      return;
    }
    if (!fine && !refusal && !(p.abortable && isAbort(err))) {
      t.untyped += 1;
      note(t, `${p.label}: ${describeError(err)}`);
      return;
    }
    if (fine) t.accepted += 1;
    else t.refused += 1;
    if (p.kind !== 'verdict') return;
    const ok = p.verdict!.ok;
    if (fine && !ok) {
      t.wrongVerdict += 1;
      note(t, `${p.label}: accepted, though the value space refuses it (${p.verdict!.ok ? '' : p.verdict!.why})`);
    } else if (!fine && (ok || (err as StoreError).code !== 'VALIDATION')) {
      t.wrongVerdict += 1;
      note(t, `${p.label}: refused, though the value space accepts it: ${describeError(err)}`);
    } else if (fine && p.verify) check(p.label, () => p.verify!(r.value));
    else if (!fine && p.whenRefused) check(p.label, p.whenRefused);
  });
  const done = (slot: number) => settled[slot]!.status === 'fulfilled';
  const nodes = ctx.nodes.filter((x) => done(x.slot)).map((x) => x.node);
  check('outputs.keys of the group', async () => {
    const keys = await a.store.outputs.keys(ctx.run);
    return sameValue(keys, nodes) ? undefined : `outputs.keys of group ${a.group} changed: ${keys.length} keys, ${nodes.length} written`;
  });
  const frames = ctx.frames.filter((x) => done(x.slot));
  check('frames of the group', async () => {
    const page = await a.store.streams.read(ctx.stream);
    const same =
      page.frames.length === frames.length && page.frames.every((f, j) => f.kind === frames[j]!.kind && sameValue(f.data, frames[j]!.data));
    return same ? undefined : `frames of group ${a.group} changed: ${page.frames.length} read, ${frames.length} appended`;
  });
  if ((await within(Promise.all(checks), guardMs)) === undefined && guardMs !== undefined) {
    t.hangs += 1;
    note(t, `group ${a.group}: reading back did not settle`);
    return false;
  }
  return true;
}
