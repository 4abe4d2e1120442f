import { expect, it } from 'vitest';
import { fuzz } from '../support/hostile-fuzz.js';

// The seeded 10,000-call version of `npm run fuzz` (issue 13's "done when"), against the in-process engine.
it('answers a seeded run of 10,000 mixed hostile and valid calls with no untyped outcome, harmed sibling, hang or changed value', async () => {
  const report = await fuzz({ cases: 10_000, seed: 13, groupMs: 10_000 });
  const kinds = report.kinds.map((k) => `${k.count} × ${k.example}`).join('\n');
  expect({ ...report.tally, victimsChanged: report.victimsChanged }, kinds).toMatchObject({
    untyped: 0,
    harmed: 0,
    hangs: 0,
    changed: 0,
    wrongVerdict: 0,
    victimsChanged: 0,
  });
  // It really was a hostile run: many calls of every kind of outcome.
  expect(report.tally.calls).toBeGreaterThanOrEqual(10_000);
  expect(report.tally.valid).toBeGreaterThan(2000);
  expect(report.tally.accepted).toBeGreaterThan(2000);
  expect(report.tally.refused).toBeGreaterThan(2000);
}, 120_000);
