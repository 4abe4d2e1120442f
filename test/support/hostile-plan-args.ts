import type { Arena } from './hostile-arena.js';
import type { GroupCtx, Planned } from './hostile-plan.js';
import type { ARG_OPS, Slot } from './hostile-slots.js';
import { build, type Desc } from './hostile-values.js';

/**
 * Plans an `args` slot: any public method, with hostile values in the
 * argument positions the slot names and valid ones elsewhere. Any typed
 * outcome will do; what matters is that it is typed and harms nobody.
 */
export function planArgs(a: Arena, slot: Extract<Slot, { k: 'args' }>, i: number, ctx: GroupCtx, n: number): Planned {
  const { store, items } = a;
  const A = (at: number, dflt: unknown): unknown => (slot.args[at] ? build(slot.args[at] as Desc) : dflt);
  // Hostile strings never name a victim: write keys get a unique head, ids a head no UUID has.
  const own = (x: unknown) => (typeof x === 'string' ? `a${n}:${x}` : x);
  const zz = (x: unknown) => (typeof x === 'string' ? `zz${x}` : x);
  const u = undefined as never;
  const calls: Record<(typeof ARG_OPS)[number], () => unknown> = {
    'outputs.put': () => store.outputs.put(own(A(0, 'args-run')) as never, own(A(1, `a${n}`)) as never, A(2, 1) as never),
    'outputs.get': () => store.outputs.get(A(0, 'victim-run') as never, A(1, 'n1') as never),
    'outputs.keys': () => store.outputs.keys(A(0, 'victim-run') as never),
    'globals.put': () => store.globals.put(own(A(0, `a${n}`)) as never, A(1, 1) as never),
    'globals.upsert': () => store.globals.upsert(own(A(0, `a${n}`)) as never, A(1, 1) as never),
    'globals.get': () => store.globals.get(A(0, 'victim') as never),
    'records.append': () => store.records.append(A(0, { taskId: 'at', attempt: 0, producer: 'ap', event: 1 }) as never),
    'records.appendFields': () =>
      store.records.append({ taskId: A(0, 'at'), attempt: A(1, 0), producer: own(A(2, 'ap')), event: A(3, 1), parents: A(4, u) } as never),
    'records.get': () => store.records.get(A(0, a.victimRecord) as never),
    'records.latest': () => store.records.latest(A(0, 'victim-producer') as never),
    'records.list': () => store.records.list(A(0, 'victim-task') as never, A(1, 0) as never),
    'streams.append': () => store.streams.append(own(A(0, 'h-stream')) as never, A(1, { data: 1 }) as never, A(2, u) as never),
    'streams.appendFields': () => store.streams.append('h-stream', { kind: A(0, u), data: A(1, 1), mode: A(2, u) } as never),
    'streams.read': () =>
      store.streams.read(A(0, 'victim-stream') as never, { from: A(1, u), to: A(2, u), limit: A(3, u), attempt: A(4, u) } as never),
    'streams.tail': () =>
      store.streams.tail(
        own(A(0, 'h-stream')) as never,
        A(5, { after: A(1, 0), blockMs: A(2, 0), limit: A(3, u), visibility: A(4, u), signal: ctx.signal }) as never,
      ),
    'streams.summary': () => store.streams.summary(A(0, 'victim-summary') as never, A(1, u) as never),
    'streams.close': () => store.streams.close(own(A(0, 'h-stream')) as never, A(1, u) as never),
    'table.create': () => items.create(A(0, { title: 'a' }) as never),
    'table.get': () => items.get(zz(A(0, a.pool[0])) as never),
    'table.update': () => items.update((slot.args[0] ? zz(A(0, u)) : a.pool[i]) as never, A(1, { n: 1 }) as never, A(2, u) as never),
    'table.delete': () => items.delete(zz(A(0, 'none')) as never),
    'table.list': () => items.list(A(0, u) as never),
    'table.count': () => items.count(A(0, u) as never),
    'table.batch': () =>
      items.batch(slot.args[1] ? [{ op: 'create', data: A(1, u) as never }] : (A(0, [{ op: 'create', data: { title: 'b' } }]) as never)),
    'aliases.create': () => items.aliases.create(own(A(0, `al${n}`)) as never, A(1, { where: {} }) as never),
    'aliases.get': () => items.aliases.get(A(0, 'by_title') as never),
    'aliases.list': () => items.aliases.list(),
    'aliases.run': () => items.aliases.run(A(0, 'by_title') as never, A(1, { p: 'pool 1' }) as never, A(2, u) as never),
    'aliases.delete': () => items.aliases.delete(own(A(0, `none${n}`)) as never),
    'store.table': () => store.table(A(0, 'items_h') as never, A(1, { fields: { title: { type: 'string' } } }) as never),
    inspect: () => store.inspect(A(0, 'SELECT 1 AS one') as never),
    onChange: () => store.onChange(A(0, () => {}) as never)(),
    onRoleChange: () => store.onRoleChange(A(0, () => {}) as never)(),
  };
  return {
    label: `args ${slot.op} [${slot.args.map((d) => d?.t ?? '-').join(',')}]`,
    kind: 'typed',
    abortable: slot.op === 'streams.tail',
    call: calls[slot.op],
  };
}
