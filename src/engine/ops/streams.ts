import { readOp } from './read-op.js';
import { ValidationError } from '../../shared/errors.js';
import { changeKey } from '../../shared/change-key.js';
import { frameModeOf, type AppendMode } from '../../shared/frame-mode.js';
import { CARRIED_FRAME_MAX, toFrame } from '../../shared/stream-frame.js';
import type { FrameMode, Json, StreamPage, StreamSummary, StreamVisibility } from '../../shared/types.js';
import { mergePatch } from '../merge-patch.js';
import type { SqlRow, Db } from '../db.js';

/** What the engine reports for an append; the facade builds the Frame from it and its own input. */
export type Appended = { seq: number; at: number };

const FRAME_COLUMNS = 'seq, kind, data, mode, at';
const PURGE_EVERY_MS = 1000;
const PURGE_BATCH = 500;

// Expired best-effort frames are deleted by later appends, at most once a second per engine.
const nextPurge = new WeakMap<Db, number>();

/** Per-(stream, attempt) frame logs. Arguments are checked before a handler runs (shared/call-checks.ts); the facade does the waiting. */
export const streamsOps = {
  'streams.append'(db: Db, stream: string, attempt: number, kind: string, data: Json | Uint8Array, mode: AppendMode): Appended {
    const at = db.now();
    // One statement creates the attempt or bumps its counter; a throw below makes the engine undo it.
    const head = db.get(
      `INSERT INTO stream_attempts (stream, attempt, last_seq) VALUES (?, ?, 1)
       ON CONFLICT (stream, attempt) DO UPDATE SET last_seq = last_seq + 1
       RETURNING id, last_seq, closed_at`,
      [stream, attempt],
    )!;
    if (head.closed_at !== null) {
      throw new ValidationError(
        `stream ${JSON.stringify(stream)} attempt ${attempt} was closed, so it takes no more frames; append to another attempt instead`,
        'stream',
      );
    }
    const attemptId = head.id as number;
    const seq = Number(head.last_seq);
    const stored = data instanceof Uint8Array ? data : JSON.stringify(data);
    const frameMode = frameModeOf(mode);
    if (mode === 'summary') applySummary(db, attemptId, data as Json, at);
    const expiresAt = typeof mode === 'object' ? Math.ceil(at + mode.ttlMs) : null;
    db.run('INSERT INTO stream_frames (attempt_id, seq, kind, data, mode, at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      attemptId,
      seq,
      kind,
      stored,
      frameMode,
      at,
      expiresAt,
    ]);
    purgeExpired(db, at);
    // Small durable and summary frames ride along with the notice; best-effort ones may expire before a reader sees them.
    const carried = frameMode !== 'best-effort' && (typeof stored === 'string' ? stored.length : stored.byteLength) <= CARRIED_FRAME_MAX;
    db.changed(
      'streams',
      changeKey(stream, attempt),
      seq,
      carried ? { frame: { seq, kind, data: stored, mode: frameMode, at } } : undefined,
    );
    return { seq, at };
  },

  'streams.read': readOp((db: Db, stream: string, attempt: number, from: number, to: number, limit: number): StreamPage => {
    const head = attemptHead(db, stream, attempt);
    if (!head) return { frames: [] };
    const rows = db.all(
      `SELECT ${FRAME_COLUMNS} FROM stream_frames
       WHERE attempt_id = ? AND seq >= ? AND seq <= ? AND (expires_at IS NULL OR expires_at > ?)
       ORDER BY seq LIMIT ?`,
      [head.id, from, to, db.now(), limit],
    );
    return page(stream, attempt, rows, head.closedAt);
  }),

  'streams.tail': readOp(
    (db: Db, stream: string, attempt: number, after: number, limit: number, visibility: StreamVisibility): StreamPage => {
      const head = attemptHead(db, stream, attempt);
      if (!head) return { frames: [] };
      const rows =
        visibility === 'durable'
          ? db.all(
              `SELECT ${FRAME_COLUMNS} FROM stream_frames
             WHERE attempt_id = ? AND seq > ? AND expires_at IS NULL ORDER BY seq LIMIT ?`,
              [head.id, after, limit],
            )
          : db.all(
              `SELECT ${FRAME_COLUMNS} FROM stream_frames
             WHERE attempt_id = ? AND seq > ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY seq LIMIT ?`,
              [head.id, after, db.now(), limit],
            );
      return page(stream, attempt, rows, head.closedAt);
    },
  ),

  'streams.summary': readOp((db: Db, stream: string, attempt: number): StreamSummary | undefined => {
    const row = db.get(
      `SELECT summary, summary_version, summary_first_at, summary_updated_at FROM stream_attempts
       WHERE stream = ? AND attempt = ? AND summary_version > 0`,
      [stream, attempt],
    );
    if (!row) return undefined;
    return {
      doc: JSON.parse(row.summary as string) as Json,
      version: Number(row.summary_version),
      firstAppliedAt: Number(row.summary_first_at),
      lastUpdatedAt: Number(row.summary_updated_at),
    };
  }),

  /** Closing twice keeps the first closedAt. */
  'streams.close'(db: Db, stream: string, attempt: number): void {
    const changed = db.run(
      `INSERT INTO stream_attempts (stream, attempt, last_seq, closed_at) VALUES (?, ?, 0, ?)
       ON CONFLICT (stream, attempt) DO UPDATE SET closed_at = excluded.closed_at WHERE closed_at IS NULL`,
      [stream, attempt, db.now()],
    );
    if (changed > 0) db.changed('streams', changeKey(stream, attempt));
  },
};

function attemptHead(db: Db, stream: string, attempt: number): { id: number; closedAt: number | undefined } | undefined {
  const row = db.get('SELECT id, closed_at FROM stream_attempts WHERE stream = ? AND attempt = ?', [stream, attempt]);
  if (!row) return undefined;
  return { id: row.id as number, closedAt: row.closed_at === null ? undefined : Number(row.closed_at) };
}

function page(stream: string, attempt: number, rows: SqlRow[], closedAt: number | undefined): StreamPage {
  const frames = rows.map((row) =>
    toFrame(stream, attempt, {
      seq: Number(row.seq),
      kind: row.kind as string,
      data: row.data as string | Uint8Array,
      mode: row.mode as FrameMode,
      at: Number(row.at),
    }),
  );
  return closedAt === undefined ? { frames } : { frames, closedAt };
}

function applySummary(db: Db, attemptId: number, patch: Json, at: number): void {
  const row = db.get('SELECT summary FROM stream_attempts WHERE id = ?', [attemptId])!;
  const current = row.summary === null ? undefined : (JSON.parse(row.summary as string) as Json);
  db.run(
    `UPDATE stream_attempts SET summary = ?, summary_version = summary_version + 1,
       summary_first_at = coalesce(summary_first_at, ?), summary_updated_at = ? WHERE id = ?`,
    [JSON.stringify(mergePatch(current ?? {}, patch)), at, at, attemptId],
  );
}

function purgeExpired(db: Db, now: number): void {
  if (now < (nextPurge.get(db) ?? 0)) return;
  nextPurge.set(db, now + PURGE_EVERY_MS);
  db.run(
    `DELETE FROM stream_frames WHERE id IN
       (SELECT id FROM stream_frames WHERE expires_at <= ? LIMIT ${PURGE_BATCH})`,
    [now],
  );
}
