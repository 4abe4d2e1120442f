import { readOp } from './read-op.js';
import { changeKey } from '../../shared/change-key.js';
import { NotFoundError } from '../../shared/errors.js';
import type { Json, RecordEntry, RecordInput } from '../../shared/types.js';
import type { SqlRow, Db } from '../db.js';
import { randomId } from '../random-id.js';

const COLUMNS = 'seq, id, task_id, attempt, producer, event, parents, created_at';

/** Append-only immutable records with lineage. */
export const recordsOps = {
  'records.append'(db: Db, input: RecordInput): string {
    const id = randomId();
    db.run('INSERT INTO records (id, task_id, attempt, producer, event, parents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      input.taskId,
      input.attempt,
      input.producer,
      JSON.stringify(input.event),
      JSON.stringify(input.parents ?? []),
      db.now(),
    ]);
    const seq = Number(db.get('SELECT last_insert_rowid() AS seq')!.seq);
    db.changed('records', changeKey(input.taskId, input.attempt), seq, { id, producer: input.producer });
    return id;
  },

  'records.get': readOp((db: Db, id: string): RecordEntry => {
    const row = db.get(`SELECT ${COLUMNS} FROM records WHERE id = ?`, [id]);
    if (!row) throw new NotFoundError(`No record has id ${JSON.stringify(id)}.`);
    return toEntry(row);
  }),

  'records.latest': readOp((db: Db, producer: string): RecordEntry => {
    const row = db.get(`SELECT ${COLUMNS} FROM records WHERE producer = ? ORDER BY seq DESC LIMIT 1`, [producer]);
    if (!row) throw new NotFoundError(`Producer ${JSON.stringify(producer)} has appended no record yet.`);
    return toEntry(row);
  }),

  'records.list': readOp((db: Db, taskId: string, attempt: number): RecordEntry[] => {
    return db.all(`SELECT ${COLUMNS} FROM records WHERE task_id = ? AND attempt = ? ORDER BY seq`, [taskId, attempt]).map(toEntry);
  }),
};

function toEntry(row: SqlRow): RecordEntry {
  return {
    id: row.id as string,
    taskId: row.task_id as string,
    attempt: Number(row.attempt),
    producer: row.producer as string,
    event: JSON.parse(row.event as string) as Json,
    parents: JSON.parse(row.parents as string) as string[],
    seq: Number(row.seq),
    createdAt: Number(row.created_at),
  };
}
