import { AlreadyExistsError } from '../../errors.js';
import type { Json } from '../../types.js';
import type { Tx } from '../tx.js';

/** Global key/value: write-once `put`, overwriting `upsert`. */
export const globalsOps = {
  'globals.put'(tx: Tx, key: string, value: Json): void {
    const inserted = tx.run(
      'INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [key, JSON.stringify(value), tx.now()],
    );
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Global ${JSON.stringify(key)} was already written; globals.put() is write-once. Use globals.upsert() to overwrite it.`,
      );
    }
    tx.changed('globals', key);
  },

  'globals.upsert'(tx: Tx, key: string, value: Json): void {
    tx.run(
      `INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, JSON.stringify(value), tx.now()],
    );
    tx.changed('globals', key);
  },

  'globals.get'(tx: Tx, key: string): Json | undefined {
    const row = tx.get('SELECT value FROM globals WHERE key = ?', [key]);
    return row === undefined ? undefined : (JSON.parse(row.value as string) as Json);
  },
};
