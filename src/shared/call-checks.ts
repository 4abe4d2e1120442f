import { checkAppendMode } from './frame-mode.js';
import { ValidationError } from './errors.js';
import { assertSqliteImage } from './image-header.js';
import { isPlainObject } from './json-object.js';
import type { Call, OpName } from './protocol.js';
import { assertId, assertInt, assertJson, assertString, describe } from './validate.js';

type Check = (...args: unknown[]) => void;

const STREAM_LIMIT_MAX = 10_000;

/** Throws unless `data` is a frame's data: JSON, or bytes outside summary mode. */
function checkFrameData(data: unknown, mode: unknown): void {
  if (data instanceof Uint8Array) {
    if (mode === 'summary')
      throw new ValidationError('a summary frame holds a JSON merge patch, so its data cannot be bytes', 'frame.data');
  } else {
    assertJson(data, 'frame.data');
  }
}

function checkStreamAttempt(stream: unknown, attempt: unknown): void {
  assertId(stream, 'stream');
  assertInt(attempt, 'attempt');
}

/**
 * The checks of every call's arguments in their wire form, by operation. The
 * same function runs on both sides: in the page before a call joins a batch
 * (so a bad call rejects alone, before any message), and in the engine before
 * the handler (a call may come from another tab, running other code), unless
 * the engine runs in the same realm and got the very call checked (see checkCallOnce). Table
 * calls are checked in their handlers with the shared schema functions, as
 * those checks need the schema the call carries.
 */
const checks: Record<string, Check | undefined> = {
  'db.import': (image) => assertSqliteImage(image),
  'outputs.put': (runId, nodeId, value) => {
    assertId(runId, 'runId');
    assertId(nodeId, 'nodeId');
    assertJson(value, 'value');
  },
  'outputs.get': (runId, nodeId) => {
    assertId(runId, 'runId');
    assertId(nodeId, 'nodeId');
  },
  'outputs.keys': (runId) => assertId(runId, 'runId'),
  'outputs.entries': (runId) => assertId(runId, 'runId'),
  'globals.put': (key, value) => {
    assertString(key, 'key');
    assertJson(value, 'value');
  },
  'globals.upsert': (key, value) => {
    assertString(key, 'key');
    assertJson(value, 'value');
  },
  'globals.get': (key) => assertString(key, 'key'),
  'records.append': (record) => {
    if (!isPlainObject(record)) throw new ValidationError(`a record must be an object, got ${describe(record)}`, 'record');
    assertId(record.taskId, 'taskId');
    assertInt(record.attempt, 'attempt');
    assertId(record.producer, 'producer');
    assertJson(record.event, 'event');
    const parents = record.parents ?? [];
    if (!Array.isArray(parents)) throw new ValidationError('parents must be a list of record ids', 'parents');
    parents.forEach((p: unknown, i) => assertId(p, `parents[${i}]`));
  },
  'records.get': (id) => assertId(id, 'id'),
  'records.latest': (producer) => assertId(producer, 'producer'),
  'records.list': (taskId, attempt) => {
    assertId(taskId, 'taskId');
    assertInt(attempt, 'attempt');
  },
  'streams.append': (stream, attempt, kind, data, mode) => {
    checkStreamAttempt(stream, attempt);
    assertId(kind, 'frame.kind');
    checkAppendMode(mode);
    checkFrameData(data, mode);
  },
  'streams.read': (stream, attempt, from, to, limit) => {
    checkStreamAttempt(stream, attempt);
    assertInt(from, 'from');
    assertInt(to, 'to');
    assertInt(limit, 'limit', 1, STREAM_LIMIT_MAX);
  },
  'streams.tail': (stream, attempt, after, limit, visibility) => {
    checkStreamAttempt(stream, attempt);
    assertInt(after, 'after');
    assertInt(limit, 'limit', 1, STREAM_LIMIT_MAX);
    if (visibility !== 'all' && visibility !== 'durable') {
      throw new ValidationError(`visibility must be 'all' or 'durable', got ${describe(visibility)}`, 'visibility');
    }
  },
  'streams.summary': checkStreamAttempt,
  'streams.close': checkStreamAttempt,
  'db.inspect': (sql) => {
    if (typeof sql !== 'string') throw new ValidationError(`inspect() takes SQL text, got ${describe(sql)}`, 'sql');
  },
};

/** Throws the ValidationError of the first argument of `call` that its operation refuses. */
export function checkCall(call: Call): void {
  if (!Array.isArray(call.args)) throw new ValidationError('a call carries a list of arguments', 'args');
  checks[call.op]?.(...call.args);
}

/**
 * A call that passed checkCall in this realm. Only an in-process engine is
 * handed one: a worker or a leader tab gets a structured clone, a plain
 * object of another realm, and checks it again. Its arguments are the
 * batcher's private snapshot, or values the facade marked as its own
 * (snapshot.ts `owned`), which no caller holds either, so they cannot change
 * between the check and the engine.
 */
class CheckedCall implements Call {
  constructor(
    readonly op: OpName,
    readonly args: unknown[],
  ) {}
}

/** The call of `op` with `args`, once checkCall passed it (it throws that ValidationError otherwise). */
export function checkedCall(op: OpName, args: unknown[]): Call {
  const call = new CheckedCall(op, args);
  checkCall(call);
  return call;
}

/** Like {@link checkCall}, but a call made by this realm's {@link checkedCall} is not checked again. */
export function checkCallOnce(call: Call): void {
  if (!(call instanceof CheckedCall)) checkCall(call);
}
