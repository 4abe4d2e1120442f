import { readOp } from './read-op.js';
import { changeKey } from '../../shared/change-key.js';
import { AlreadyExistsError } from '../../shared/errors.js';
import type { Json } from '../../shared/types.js';
import type { Db } from '../db.js';

/** Write-once values keyed by (run, node). */
export const outputsOps = {
  'outputs.put'(db: Db, runId: string, nodeId: string, value: Json): void {
    const inserted = db.run('INSERT INTO outputs (run_id, node_id, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      runId,
      nodeId,
      JSON.stringify(value),
      db.now(),
    ]);
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Output (run ${runId}, node ${nodeId}) was already written; outputs are write-once. Read it with outputs.get() instead.`,
      );
    }
    db.changed('outputs', changeKey(runId, nodeId));
  },

  'outputs.get': readOp((db: Db, runId: string, nodeId: string): Json | undefined => {
    const row = db.get('SELECT value FROM outputs WHERE run_id = ? AND node_id = ?', [runId, nodeId]);
    return row === undefined ? undefined : (JSON.parse(row.value as string) as Json);
  }),

  'outputs.keys': readOp((db: Db, runId: string): string[] => {
    return db.all('SELECT node_id FROM outputs WHERE run_id = ? ORDER BY seq', [runId]).map((r) => r.node_id as string);
  }),

  /** Every output of `runId` in write order, in one read (so a live view of a run is one consistent answer). */
  'outputs.entries': readOp((db: Db, runId: string): { nodeId: string; value: Json }[] => {
    return db
      .all('SELECT node_id, value FROM outputs WHERE run_id = ? ORDER BY seq', [runId])
      .map((r) => ({ nodeId: r.node_id as string, value: JSON.parse(r.value as string) as Json }));
  }),
};
