import { changeKey } from '../../change-key.js';
import { AlreadyExistsError } from '../../errors.js';
import type { Json } from '../../types.js';
import type { Tx } from '../tx.js';

/** Write-once values keyed by (run, node). */
export const outputsOps = {
  'outputs.put'(tx: Tx, runId: string, nodeId: string, value: Json): void {
    const inserted = tx.run(
      'INSERT INTO outputs (run_id, node_id, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [runId, nodeId, JSON.stringify(value), tx.now()],
    );
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Output (run ${runId}, node ${nodeId}) was already written; outputs are write-once. Read it with outputs.get() instead.`,
      );
    }
    tx.changed('outputs', changeKey(runId, nodeId));
  },

  'outputs.get'(tx: Tx, runId: string, nodeId: string): Json | undefined {
    const row = tx.get('SELECT value FROM outputs WHERE run_id = ? AND node_id = ?', [runId, nodeId]);
    return row === undefined ? undefined : (JSON.parse(row.value as string) as Json);
  },

  'outputs.keys'(tx: Tx, runId: string): string[] {
    return tx.all('SELECT node_id FROM outputs WHERE run_id = ? ORDER BY seq', [runId]).map((r) => r.node_id as string);
  },
};
