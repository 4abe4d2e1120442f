import type { Arena } from './hostile-arena.js';
import { planArgs } from './hostile-plan-args.js';
import type { Slot } from './hostile-slots.js';
import { build } from './hostile-values.js';
import { isWellFormed, modelFrameData, modelJson, sameValue, toWellFormed, type Verdict } from './json-model.js';

/** What one slot of a group turns into: the call, what its outcome must be, and how to read it back. */
export type Planned = {
  label: string;
  /** valid: must succeed; verdict: accepted exactly when `verdict.ok`; typed: any typed outcome; abort: must reject AbortError. */
  kind: 'valid' | 'verdict' | 'typed' | 'abort';
  verdict?: Verdict;
  /** An AbortError is a typed outcome for this call (its signal aborts). */
  abortable?: boolean;
  call: () => unknown;
  /** After success: a problem with what was stored, if any. */
  verify?: (value: unknown) => Promise<string | undefined>;
  /** After a refusal: a problem (a value under the key the refused one would have become), if any. */
  whenRefused?: () => Promise<string | undefined>;
};

/** What the slots of one group share: their run, their stream, their abort signal, what they appended there. */
export type GroupCtx = {
  run: string;
  stream: string;
  signal: AbortSignal;
  nodes: { node: string; slot: number }[];
  frames: { kind: string; data: unknown; slot: number }[];
};

const differs = (what: string, actual: unknown, expected: unknown) =>
  sameValue(actual, expected) ? undefined : `${what} read back changed`;

/** RFC 7396 applied to a document that has no members yet. */
function merged(patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null) Object.defineProperty(out, k, { value: merged(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Plans slot `i` of a group. */
export function plan(a: Arena, slot: Slot, i: number, ctx: GroupCtx): Planned {
  const { store, items } = a;
  const n = ++a.n;
  switch (slot.k) {
    case 'valid':
      return planValid(a, slot, i, ctx, n);
    case 'value': {
      const value = build(slot.d);
      const label = `value ${slot.op} ${slot.d.t}`;
      const verdict =
        slot.op === 'streams.append' || slot.op === 'streams.summary'
          ? modelFrameData(value, slot.op === 'streams.summary')
          : modelJson(value);
      const exp = verdict.ok ? verdict.value : undefined;
      const key = `h${n}`;
      const base = { label, kind: 'verdict' as const, verdict };
      switch (slot.op) {
        case 'globals.upsert':
        case 'globals.put':
          return {
            ...base,
            call: () => store.globals[slot.op === 'globals.put' ? 'put' : 'upsert'](key, value as never),
            verify: async () => differs(label, await store.globals.get(key), exp),
          };
        case 'outputs.put':
          ctx.nodes.push({ node: key, slot: i });
          return {
            ...base,
            call: () => store.outputs.put(ctx.run, key, value as never),
            verify: async () => differs(label, await store.outputs.get(ctx.run, key), exp),
          };
        case 'records.append':
          return {
            ...base,
            call: () => store.records.append({ taskId: 'ht', attempt: 0, producer: 'hp', event: value as never }),
            verify: async (id) => differs(label, (await store.records.get(id as string)).event, exp),
          };
        case 'streams.append':
          ctx.frames.push({ kind: 'h', data: exp, slot: i });
          return { ...base, call: () => store.streams.append(ctx.stream, { kind: 'h', data: value as never }) };
        case 'streams.summary':
          return {
            ...base,
            call: () => store.streams.append(key, { data: value as never, mode: 'summary' }),
            verify: async () => differs(label, (await store.streams.summary(key))?.doc, merged(exp)),
          };
        case 'table.create':
          return {
            ...base,
            call: () => items.create({ title: 'hc', extra: value } as never),
            verify: async (row) => differs(label, (await items.get(idOf(row))).data.extra, exp),
          };
        case 'table.update':
          return {
            ...base,
            call: () => items.update(a.pool[i]!, { extra: value } as never),
            verify: async (row) => extraProblem(label, row, exp),
          };
        case 'table.batch':
          return {
            ...base,
            call: () => items.batch([{ op: 'create', data: { title: 'hb', extra: value } as never }]),
            verify: async (rows) => differs(label, (await items.get(idOf((rows as unknown[])[0]))).data.extra, exp),
          };
      }
      break;
    }
    case 'key':
      return planKey(a, slot, i, ctx, n);
    case 'args':
      return planArgs(a, slot, i, ctx, n);
    case 'abortTail': {
      // Frame 3 exists: the read finds it while the signal has already aborted.
      return {
        label: 'tail aborted during its read',
        kind: 'abort',
        call: () => store.streams.tail('victim-stream', { after: 2, blockMs: 60_000, signal: ctx.signal }),
      };
    }
  }
  throw new Error(`no plan for ${JSON.stringify(slot)}`);
}

const idOf = (row: unknown) => (row as { id: string }).id;

function extraProblem(label: string, row: unknown, exp: unknown): string | undefined {
  const data = (row as { data: Record<string, unknown> }).data;
  if (exp === null) return Object.hasOwn(data, 'extra') ? `${label}: null did not delete the field` : undefined;
  return differs(label, data.extra, exp);
}

function planValid(a: Arena, slot: Extract<Slot, { k: 'valid' }>, i: number, ctx: GroupCtx, n: number): Planned {
  const { store, items } = a;
  const { v, s } = slot;
  const exp = modelJson(v);
  if (!exp.ok) throw new Error(`the valid value arbitrary made a value the model refuses: ${exp.why}`);
  const label = `valid ${slot.op}`;
  const base = { label, kind: 'valid' as const };
  const key = `v${n}${s}`;
  switch (slot.op) {
    case 'globals.upsert':
      return {
        ...base,
        call: () => store.globals.upsert(key, v as never),
        verify: async () => differs(label, await store.globals.get(key), exp.value),
      };
    case 'outputs.put':
      ctx.nodes.push({ node: key, slot: i });
      return {
        ...base,
        call: () => store.outputs.put(ctx.run, key, v as never),
        verify: async () => differs(label, await store.outputs.get(ctx.run, key), exp.value),
      };
    case 'records.append': {
      const input = { taskId: `t${n}${s}`, attempt: 0, producer: `p${s}`, event: v as never, parents: [a.victimRecord] };
      return {
        ...base,
        call: () => store.records.append(input),
        verify: async (id) => {
          const r = await store.records.get(id as string);
          const same = r.taskId === input.taskId && r.producer === input.producer && sameValue(r.parents, input.parents);
          return same ? differs(label, r.event, exp.value) : `${label}: ids changed`;
        },
      };
    }
    case 'streams.append':
      ctx.frames.push({ kind: `k${s}`, data: exp.value, slot: i });
      return { ...base, call: () => store.streams.append(ctx.stream, { kind: `k${s}`, data: v as never }) };
    case 'table.create': {
      const data = { title: `c${s}`, extra: v };
      return {
        ...base,
        call: () => items.create(data as never),
        verify: async (row) => differs(label, (await items.get(idOf(row))).data, { title: data.title, extra: exp.value }),
      };
    }
    case 'table.update':
      return {
        ...base,
        call: () => items.update(a.pool[i]!, { title: `u${s}`, extra: v } as never),
        verify: async (row) => extraProblem(label, row, exp.value),
      };
    case 'read':
      return planRead(a, slot.pick, label);
    case 'tail':
      return {
        ...base,
        call: () => store.streams.tail('victim-stream', { after: 1, blockMs: 5 }),
        verify: async (page) =>
          differs(
            label,
            (page as { frames: { seq: number }[] }).frames.map((f) => f.seq),
            [2, 3],
          ),
      };
    case 'inspect':
      return {
        ...base,
        call: () => store.inspect("SELECT ';' AS x -- ; not a second statement"),
        verify: async (rows) => differs(label, rows, [{ x: ';' }]),
      };
    case 'aliases.run':
      return {
        ...base,
        call: () => a.victims.aliases.run('victim_alias', { title: 'victim' }),
        verify: async (rows) => differs(label, (rows as unknown[]).length, 1),
      };
  }
}

function planRead(a: Arena, pick: number, label: string): Planned {
  const { store } = a;
  const reads: [() => Promise<unknown>, (v: unknown) => unknown, unknown][] = [
    [() => store.outputs.get('victim-run', 'n1'), (v) => v, { v: [1, 'x\uDC00'], deep: [[[{}]]] }],
    [() => store.globals.get('victim'), (v) => v, { a: [1, { b: null }], s: 'a\uDFFF' }],
    [() => store.records.get(a.victimRecord), (r) => (r as { event: unknown }).event, { e: ['\uD800', -1.5] }],
    [
      () => a.victims.list({ where: { title: 'victim' } }),
      (rows) => (rows as { data: unknown }[]).map((r) => r.data),
      [{ title: 'victim', extra: { '\uD800': '__proto__' } }],
    ],
    [
      () => store.streams.read('victim-stream'),
      (p) => (p as { frames: { kind: string }[] }).frames.map((f) => f.kind),
      ['event', '\uFEFFk', 'event'],
    ],
    [() => store.streams.summary('victim-summary'), (s) => (s as { doc: unknown }).doc, { a: { b: 1 } }],
  ];
  const [call, view, expected] = reads[pick % reads.length]!;
  return { label: `${label} ${pick}`, kind: 'valid', call, verify: async (v) => differs(`${label} ${pick}`, view(v), expected) };
}

function planKey(a: Arena, slot: Extract<Slot, { k: 'key' }>, i: number, ctx: GroupCtx, n: number): Planned {
  const { store } = a;
  const raw = 's' in slot.key ? slot.key.s : build(slot.key.d);
  // A unique tail keeps keys apart across slots; what comes before it is the hostile part.
  const key = typeof raw === 'string' ? `${raw}\u0001${n}` : raw;
  const ok = typeof key === 'string' && isWellFormed(key);
  const verdict: Verdict = ok ? { ok: true, value: key } : { ok: false, why: 'not a well-formed string' };
  const label = `key ${slot.op}`;
  const k = key as string;
  const lone = typeof key === 'string' && !ok ? toWellFormed(key) : undefined;
  const base = { label, kind: 'verdict' as const, verdict };
  const collided = (found: boolean) => (found ? `${label}: a refused key was stored under its U+FFFD form` : undefined);
  switch (slot.op) {
    case 'globals.upsert':
      return {
        ...base,
        call: () => store.globals.upsert(k, n),
        verify: async () => differs(label, await store.globals.get(k), n),
        whenRefused: async () => (lone === undefined ? undefined : collided((await store.globals.get(lone)) !== undefined)),
      };
    case 'outputs.put':
      if (ok) ctx.nodes.push({ node: k, slot: i });
      return {
        ...base,
        call: () => store.outputs.put(ctx.run, k, n),
        verify: async () => differs(label, await store.outputs.get(ctx.run, k), n),
        whenRefused: async () => (lone === undefined ? undefined : collided((await store.outputs.get(ctx.run, lone)) !== undefined)),
      };
    case 'records.taskId':
      return {
        ...base,
        call: () => store.records.append({ taskId: k, attempt: 0, producer: 'kp', event: n }),
        verify: async (id) => {
          const [r, list] = await Promise.all([store.records.get(id as string), store.records.list(k, 0)]);
          return r.taskId === k && list.length === 1 && list[0]!.id === id ? undefined : `${label}: task id changed`;
        },
      };
    case 'records.producer':
      return {
        ...base,
        call: () => store.records.append({ taskId: 'kt', attempt: 0, producer: k, event: n }),
        verify: async (id) => {
          const [r, latest] = await Promise.all([store.records.get(id as string), store.records.latest(k)]);
          return r.producer === k && latest.id === id ? undefined : `${label}: producer changed`;
        },
      };
    case 'streams.name':
      return {
        ...base,
        call: () => store.streams.append(k, { data: n }),
        verify: async () =>
          differs(
            label,
            (await store.streams.read(k)).frames.map((f) => [f.stream, f.data]),
            [[k, n]],
          ),
        whenRefused: async () => (lone === undefined ? undefined : collided((await store.streams.read(lone)).frames.length > 0)),
      };
    case 'streams.kind': {
      // No kind (undefined or null) means 'event'.
      const kind = key ?? 'event';
      const kindVerdict: Verdict = key == null ? { ok: true, value: 'event' } : verdict;
      if (kindVerdict.ok) ctx.frames.push({ kind: kind as string, data: n, slot: i });
      return { ...base, verdict: kindVerdict, call: () => store.streams.append(ctx.stream, { kind: key as string, data: n }) };
    }
    case 'aliases.create':
      return {
        ...base,
        call: () => a.items.aliases.create(k, { where: {}, description: `d${n}` }),
        verify: async () => differs(label, (await a.items.aliases.get(k)).name, k),
      };
  }
}
