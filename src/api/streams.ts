import { changeKey } from '../shared/change-key.js';
import { checkAppendMode, frameModeOf } from '../shared/frame-mode.js';
import { plain } from '../shared/snapshot.js';
import { ValidationError } from '../shared/errors.js';
import { isPlainObject } from '../shared/json-object.js';
import { NoticeWaiter } from './notice-waiter.js';
import { LiveQuery } from './live/live-query.js';
import { framesAfter, toFrame } from '../shared/stream-frame.js';
import type { ModuleContext } from './module-context.js';
import type {
  Frame,
  FrameInput,
  StreamAttemptOptions,
  StreamFollowOptions,
  StreamPage,
  StreamReadOptions,
  StreamSummary,
  StreamTailOptions,
  StreamVisibility,
} from '../shared/types.js';
import { assertId, assertInt, describe } from '../shared/validate.js';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;
const FOLLOW_PAGE = 500;
/**
 * Notices can be lost (BroadcastChannel does not buffer, a tab may be
 * frozen), so a waiter also re-checks the database this often while nothing
 * wakes it. This bounds the delay a lost notice can cause.
 */
const SAFETY_RECHECK_MS = 1500;

/**
 * Per-(stream, attempt) frame logs: append, read, blocking tail, follow,
 * JSON-merge-patch summaries, best-effort frames, close. seq starts at 1 for
 * each (stream, attempt). Waiting readers are woken by the change notices
 * that every commit sends (key `changeKey(stream, attempt)`, e.g. `["build",0]`), in any
 * tab or worker of the origin.
 */
export class Streams {
  readonly #ctx: ModuleContext;

  /** @internal use store.streams */
  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
  }

  /**
   * Appends a frame to (stream, attempt) and resolves with it once committed.
   * A 'summary' frame's data is an RFC 7396 merge patch applied to the
   * attempt's summary document in the same transaction; it is stored in the
   * log as well.
   * @throws ValidationError for an empty stream name, a bad attempt or mode,
   *   data that is not JSON (or bytes in summary mode), or a closed attempt;
   *   nothing is written.
   */
  async append(stream: string, frame: FrameInput, opts: StreamAttemptOptions = {}): Promise<Frame> {
    frame = plain(frame);
    opts = plain(opts);
    assertId(stream, 'stream');
    if (!isPlainObject(frame)) {
      throw new ValidationError(`a frame must be an object like { kind, data, mode }, got ${describe(frame)}`, 'frame');
    }
    const attempt = attemptOf(opts);
    const kind = frame.kind ?? 'event';
    const mode = checkAppendMode(frame.mode);
    const data = frame.data;
    const { seq, at } = await this.#ctx.batcher.call('streams.append', stream, attempt, kind, data, mode);
    return { stream, attempt, seq, kind, data, mode: frameModeOf(mode), at };
  }

  /**
   * The frames of (stream, attempt) with seq in [from, to] (both inclusive),
   * ascending, at most `limit`. Never waits. Expired best-effort frames are left out.
   * `closedAt` is set once the attempt was closed.
   */
  async read(stream: string, opts: StreamReadOptions = {}): Promise<StreamPage> {
    opts = plain(opts);
    assertId(stream, 'stream');
    const attempt = attemptOf(opts);
    const from = opts.from ?? '-';
    const to = opts.to ?? '+';
    if (from !== '-') assertInt(from, 'from');
    if (to !== '+') assertInt(to, 'to');
    const limit = limitOf(opts.limit);
    return this.#ctx.batcher.call(
      'streams.read',
      stream,
      attempt,
      from === '-' ? 0 : from,
      to === '+' ? Number.MAX_SAFE_INTEGER : to,
      limit,
    );
  }

  /**
   * The frames with seq greater than `after`, ascending, at most `limit`.
   * If there are none yet, waits up to `blockMs` for the first one: it is
   * woken by change notices, not by polling, and re-checks the database on
   * each wake. Resolves `{ frames: [] }` when the time runs out, and at once
   * with `closedAt` if the attempt is (or becomes) closed.
   * @throws ValidationError for an open cursor (`after: '-'` or `'+'`) or a bad option.
   * @throws DOMException named 'AbortError' when `signal` aborts while waiting.
   */
  async tail(stream: string, opts: StreamTailOptions): Promise<StreamPage> {
    opts = plain(opts);
    assertId(stream, 'stream');
    if (!isPlainObject(opts)) throw new ValidationError('tail() takes an options object with an `after` seq', 'opts');
    const attempt = attemptOf(opts);
    const after = afterOf(opts.after);
    const blockMs = opts.blockMs ?? 0;
    assertInt(blockMs, 'blockMs');
    const limit = limitOf(opts.limit);
    const visibility = visibilityOf(opts.visibility);
    const signal = signalOf(opts.signal);
    if (signal?.aborted) throw abortError();

    const peek = () => this.#ctx.batcher.call('streams.tail', stream, attempt, after, limit, visibility);
    if (blockMs === 0) return peek();
    // Subscribe before the first check, so a commit between check and wait still wakes us.
    const waiter = this.#waiter(stream, attempt, signal);
    const deadline = performance.now() + blockMs;
    try {
      for (;;) {
        // Also after the last wait: a frame whose notice was lost is still returned.
        const result = await peek();
        // An abort during the read wins over what it found, as it does during a wait.
        if (signal?.aborted) throw abortError();
        if (result.frames.length > 0 || result.closedAt !== undefined) return result;
        const left = deadline - performance.now();
        // Timers are whole milliseconds and may fire a little early: a sliver left is no reason to read again.
        if (left < 1) return result;
        await waiter.wait(Math.min(left, SAFETY_RECHECK_MS));
        if (signal?.aborted) throw abortError();
        // The notice usually carries the frame: no read back, saving a round trip to the leader.
        // (Best-effort frames are never carried, so `visibility` holds.)
        const carried = framesAfter(waiter.takeFrames(), after, limit);
        if (carried) return { frames: carried.map((f) => toFrame(stream, attempt, f)) };
      }
    } finally {
      waiter.dispose();
    }
  }

  /**
   * Yields every frame of (stream, attempt) with seq greater than `after`, in
   * order, each once, waiting for new ones as they are appended. Ends after
   * the last frame once the attempt is closed, when `signal` aborts, or when
   * the loop breaks (its listener is released then).
   * @throws ValidationError at once for a bad stream name or option.
   */
  follow(stream: string, opts: StreamFollowOptions = {}): AsyncIterable<Frame> {
    opts = plain(opts);
    assertId(stream, 'stream');
    const attempt = attemptOf(opts);
    const after = afterOf(opts.after ?? 0);
    const signal = signalOf(opts.signal);
    return this.#follow(stream, attempt, after, signal);
  }

  /**
   * The summary of (stream, attempt): the merge of every summary frame's
   * patch, with how many were applied. Undefined until the first summary frame.
   */
  async summary(stream: string, opts: StreamAttemptOptions = {}): Promise<StreamSummary | undefined> {
    opts = plain(opts);
    assertId(stream, 'stream');
    return this.#ctx.batcher.call('streams.summary', stream, attemptOf(opts));
  }

  /**
   * The summary of (stream, attempt), kept current (see LiveQuery): it runs
   * again only when a summary frame (or a frame too large to be carried in
   * its notice) is appended to that attempt.
   * @throws ValidationError at once for an empty stream name or a bad attempt.
   */
  liveSummary(stream: string, opts: StreamAttemptOptions = {}): LiveQuery<StreamSummary | undefined> {
    assertId(stream, 'stream');
    const attempt = attemptOf(opts);
    return new LiveQuery(this.#ctx, (ctx) => new Streams(ctx).summary(stream, { attempt }));
  }

  /**
   * Closes (stream, attempt): later appends fail with ValidationError, readers
   * see `closedAt`, waiting tails return and follows end. Closing again is a
   * no-op that keeps the first closedAt.
   */
  async close(stream: string, opts: StreamAttemptOptions = {}): Promise<void> {
    opts = plain(opts);
    assertId(stream, 'stream');
    await this.#ctx.batcher.call('streams.close', stream, attemptOf(opts));
  }

  async *#follow(stream: string, attempt: number, after: number, signal: AbortSignal | undefined): AsyncGenerator<Frame, void, undefined> {
    const waiter = this.#waiter(stream, attempt, signal);
    let cursor = after;
    const read = () => this.#ctx.batcher.call('streams.tail', stream, attempt, cursor, FOLLOW_PAGE, 'all');
    try {
      let page = await read();
      while (!signal?.aborted) {
        for (const frame of page.frames) {
          if (signal?.aborted) return;
          cursor = frame.seq;
          yield frame;
        }
        if (page.frames.length === FOLLOW_PAGE) {
          page = await read();
          continue;
        }
        // The page and closedAt come from one transaction: closed and short means drained.
        if (page.closedAt !== undefined) return;
        await waiter.wait(SAFETY_RECHECK_MS);
        // A close, a best-effort frame or a gap is never carried: those are read, closedAt included.
        const carried = framesAfter(waiter.takeFrames(), cursor, FOLLOW_PAGE);
        page = carried ? { frames: carried.map((f) => toFrame(stream, attempt, f)) } : await read();
      }
    } finally {
      waiter.dispose();
    }
  }

  #waiter(stream: string, attempt: number, signal: AbortSignal | undefined): NoticeWaiter {
    const key = changeKey(stream, attempt);
    return new NoticeWaiter(this.#ctx.feed, (c) => c.module === 'streams' && c.key === key, signal);
  }
}

function attemptOf(opts: StreamAttemptOptions | undefined): number {
  if (!isPlainObject(opts)) throw new ValidationError(`options must be an object, got ${describe(opts)}`, 'opts');
  const attempt = opts.attempt ?? 0;
  assertInt(attempt, 'attempt');
  // -0 would come back in the appended frame as -0, and from every read as 0.
  return attempt + 0;
}

function afterOf(after: unknown): number {
  if (after === '-' || after === '+') {
    throw new ValidationError(
      `after must be a seq number; the open cursor ${JSON.stringify(after)} is not allowed here (use 0 for all frames)`,
      'after',
    );
  }
  assertInt(after, 'after');
  return after;
}

function limitOf(limit: unknown): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  assertInt(limit, 'limit', 1, MAX_LIMIT);
  return limit;
}

function visibilityOf(visibility: unknown): StreamVisibility {
  if (visibility === undefined) return 'all';
  if (visibility !== 'all' && visibility !== 'durable') {
    throw new ValidationError(`visibility must be 'all' or 'durable', got ${describe(visibility)}`, 'visibility');
  }
  return visibility;
}

function signalOf(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  const s = signal as Partial<AbortSignal> | null;
  if (typeof s !== 'object' || s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw new ValidationError('signal must be an AbortSignal', 'signal');
  }
  return signal as AbortSignal;
}

function abortError(): DOMException {
  return new DOMException('The wait for stream frames was aborted.', 'AbortError');
}
