import fc from 'fast-check';
import { openStore, type Store } from '../../src/in-process.js';
import { healthProblems, openArena, stateText, victimState, type Arena } from './hostile-arena.js';
import { badCounts, newTally, runGroup, type Tally } from './hostile-run.js';
import { group } from './hostile-slots.js';

export type FuzzOptions = {
  /** How many calls to make, at least. */
  cases: number;
  seed: number;
  /** How long a group may take before it counts as a hang. */
  groupMs: number;
  /** Called now and then with the calls made so far. */
  progress?: (calls: number) => void;
};

export type FuzzReport = {
  seed: number;
  tally: Omit<Tally, 'problems' | 'keep'>;
  /** Victims changed, or the file failed its integrity check, at a check point. */
  victimsChanged: number;
  /** Each kind of problem (digits blanked), with how often it occurred and one example. */
  kinds: { kind: string; count: number; example: string }[];
  bad: number;
};

const CHUNK = 250;

/**
 * The long hostile run behind `npm run fuzz`: same-tick groups of hostile and
 * valid calls against the in-process engine, in chunks of {@link CHUNK}
 * groups, each chunk drawn from `seed + chunk number` (so any chunk can be
 * replayed), checking the victims and the file after each chunk. A group
 * that hangs is counted, and the run goes on with a fresh store.
 */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const total = newTally(Number.POSITIVE_INFINITY);
  const kinds = new Map<string, { count: number; example: string }>();
  let victimsChanged = 0;
  let chunk = 0;
  const open = async () => openArena(await openStore({ name: `fuzz-${opts.seed}-${chunk}`, storage: 'memory', worker: false }));
  let arena: Arena = await open();
  let before = stateText(await victimState(arena));
  const stores: Store[] = [arena.store];
  while (total.calls < opts.cases) {
    const groups = fc.sample(group(), { seed: opts.seed + chunk, numRuns: CHUNK });
    chunk += 1;
    for (const slots of groups) {
      if (total.calls >= opts.cases) break;
      const ok = await runGroup(arena, slots, total, opts.groupMs);
      if (!ok) {
        // Its store may never answer again: leave it, go on with a fresh one.
        arena = await open();
        stores.push(arena.store);
        before = stateText(await victimState(arena));
      }
    }
    const state = stateText(await victimState(arena));
    const health = await healthProblems(arena);
    if (state !== before || health.length > 0) {
      victimsChanged += 1;
      total.problems.push(...health, ...(state === before ? [] : [`victims changed in chunk ${chunk - 1}`]));
    }
    for (const p of total.problems.splice(0)) {
      const kind = p.replace(/\d+/g, '#').slice(0, 160);
      const entry = kinds.get(kind) ?? { count: 0, example: p };
      entry.count += 1;
      kinds.set(kind, entry);
    }
    opts.progress?.(total.calls);
  }
  await Promise.race([Promise.all(stores.map((s) => s.close().catch(() => {}))), new Promise((r) => setTimeout(r, 5000))]);
  const { problems: _, keep: __, ...tally } = total;
  const bad = Object.values(badCounts(total)).reduce((x, y) => x + y, 0) + victimsChanged;
  return {
    seed: opts.seed,
    tally,
    victimsChanged,
    kinds: [...kinds].map(([kind, v]) => ({ kind, ...v })).sort((x, y) => y.count - x.count),
    bad,
  };
}
