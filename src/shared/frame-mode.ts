import { ValidationError } from './errors.js';
import { isPlainObject } from './json-object.js';
import type { FrameMode } from './types.js';
import { describe } from './validate.js';

/** How a frame is appended, as it travels: kept, merged into the summary, or kept for `ttlMs`. */
export type AppendMode = 'durable' | 'summary' | { ttlMs: number };

/** The longest life of a best-effort frame: a year. Such frames are for what is soon stale. */
export const MAX_TTL_MS = 365 * 24 * 60 * 60 * 1000;

/** Checks an append mode (undefined means 'durable') and returns it in its wire form. */
export function checkAppendMode(mode: unknown): AppendMode {
  if (mode === undefined || mode === 'durable') return 'durable';
  if (mode === 'summary') return 'summary';
  if (isPlainObject(mode)) {
    const ttlMs = mode.ttlMs;
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) {
      throw new ValidationError(
        `a best-effort frame needs ttlMs, a positive number of milliseconds up to ${MAX_TTL_MS} (a year), got ${describe(ttlMs)}`,
        'frame.mode.ttlMs',
      );
    }
    return { ttlMs };
  }
  throw new ValidationError(`mode must be 'durable', 'summary' or { ttlMs }, got ${describe(mode)}`, 'frame.mode');
}

/** The mode a stored frame reports for an append mode. */
export function frameModeOf(mode: AppendMode): FrameMode {
  return typeof mode === 'object' ? 'best-effort' : mode;
}
