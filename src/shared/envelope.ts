import { decodeError, encodeError } from './errors.js';
import type { Outcome } from './protocol.js';

/**
 * flowstore's own result envelope for the control calls that travel through
 * comlink (open, serve, close). A thrown error becomes `{ ok: false, error }`
 * in our wire form, so its class and fields survive, and comlink's
 * module-wide transfer handlers (which an app may use for its own workers)
 * are never touched.
 */
export async function envelope(run: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: encodeError(err) };
  }
}

/** Opens an envelope: its value, or its error rebuilt with class and fields. */
export async function unwrap<T>(sealed: Promise<Outcome>): Promise<T> {
  const outcome = await sealed;
  if (!outcome.ok) throw decodeError(outcome.error);
  return outcome.value as T;
}
