import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { backends, Stores } from '../support/backends.js';
import { healthProblems, openArena, stateText, victimState, type Arena } from '../support/hostile-arena.js';
import { badCounts, newTally, runGroup, type Tally } from '../support/hostile-run.js';
import { group, type Slot } from '../support/hostile-slots.js';

// Seeded, so a failure here fails the same way on every machine; `npm run fuzz` runs the long, fresh-seeded version.
const NONE = { untyped: 0, harmed: 0, hangs: 0, changed: 0, wrongVerdict: 0 };

describe.each(backends)('hostile input, property-based ($label)', (backend) => {
  const stores = new Stores(backend);
  afterEach(() => stores.closeAll());

  /** Runs `numRuns` same-tick groups against one store, then checks that the victims and the file are intact. */
  async function hostileRun(groups: fc.Arbitrary<Slot[]>, seed: number, numRuns: number): Promise<Tally> {
    const arena: Arena = await openArena(await stores.open());
    const before = stateText(await victimState(arena));
    const total = newTally();
    await fc.assert(
      fc.asyncProperty(groups, async (slots) => {
        const t = newTally();
        await runGroup(arena, slots, t);
        for (const key of Object.keys(total) as (keyof Tally)[]) if (key !== 'problems' && key !== 'keep') total[key] += t[key];
        expect(badCounts(t), t.problems.join('\n')).toEqual(NONE);
      }),
      { seed, numRuns },
    );
    expect(stateText(await victimState(arena))).toBe(before);
    expect(await healthProblems(arena)).toEqual([]);
    return total;
  }

  it('answers every call of a hostile same-tick group with its own typed outcome, and every valid sibling succeeds', async () => {
    const t = await hostileRun(group(), 0x13_01, 200);
    // The run really mixed the kinds of outcome it is about.
    expect(t.valid).toBeGreaterThan(200);
    expect(t.refused).toBeGreaterThan(200);
    expect(t.accepted).toBeGreaterThan(100);
  });

  it('accepts a value exactly when it is in the documented value space, and reads every accepted value back unchanged', async () => {
    const t = await hostileRun(group(['value'], { min: 6, max: 12 }), 0x13_02, 100);
    expect(t.accepted).toBeGreaterThan(150);
    expect(t.refused).toBeGreaterThan(150);
  });

  it('accepts a key, id or name exactly when it is well-formed, and stores it exactly, never as another key', async () => {
    const t = await hostileRun(group(['key'], { min: 6, max: 12 }), 0x13_03, 80);
    expect(t.accepted).toBeGreaterThan(100);
    expect(t.refused).toBeGreaterThan(50);
  });
});
