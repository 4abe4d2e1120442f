import { encodeError, StorageError } from '../shared/errors.js';
import type { Call, Outcome } from '../shared/protocol.js';
import { readOps } from './ops/index.js';

/**
 * Posts a batch's outcomes to its callers. If the message cannot be sent
 * (a result too deep or too odd for structured clone), each outcome that
 * cannot travel becomes an error of its own and the rest go as they are: one
 * caller's result must never take its siblings' answers with it, least of
 * all those of writes that committed.
 */
export function deliverOutcomes(calls: readonly Call[], outcomes: Outcome[], post: (outcomes: Outcome[]) => void): void {
  try {
    post(outcomes);
    return;
  } catch {
    // Find the outcomes at fault below.
  }
  post(outcomes.map((outcome, i) => (canClone(outcome) ? outcome : unsendable(calls[i], outcome))));
}

function canClone(outcome: Outcome): boolean {
  try {
    structuredClone(outcome);
    return true;
  } catch {
    return false;
  }
}

function unsendable(call: Call | undefined, outcome: Outcome): Outcome {
  const applied = outcome.ok && call !== undefined && !readOps.has(call.op);
  const message = applied
    ? 'The call was applied, but its result could not be sent back from the database (structured clone refused it). Read it back to see it.'
    : 'The result could not be sent back from the database (structured clone refused it); nothing was written.';
  return { ok: false, error: encodeError(new StorageError(message)) };
}
