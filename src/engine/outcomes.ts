import { encodeError } from '../shared/errors.js';
import type { BatchReply, Call } from '../shared/protocol.js';
import { toStoreError } from './sql-errors.js';

/** The reply of a batch none of whose calls was applied: each call fails with the same error. */
export function failAll(calls: readonly Call[], err: unknown): BatchReply {
  const error = encodeError(toStoreError(err));
  return { outcomes: calls.map(() => ({ ok: false as const, error })), changes: [] };
}
