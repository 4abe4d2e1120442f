import { readOp } from './read-op.js';
import { AlreadyExistsError } from '../../shared/errors.js';
import type { Json } from '../../shared/types.js';
import type { Db } from '../db.js';

/** Global key/value: write-once `put`, overwriting `upsert`. */
export const globalsOps = {
  'globals.put'(db: Db, key: string, value: Json): void {
    const inserted = db.run('INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
      key,
      JSON.stringify(value),
      db.now(),
    ]);
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Global ${JSON.stringify(key)} was already written; globals.put() is write-once. Use globals.upsert() to overwrite it.`,
      );
    }
    db.changed('globals', key);
  },

  'globals.upsert'(db: Db, key: string, value: Json): void {
    db.run(
      `INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, JSON.stringify(value), db.now()],
    );
    db.changed('globals', key);
  },

  'globals.get': readOp((db: Db, key: string): Json | undefined => {
    const row = db.get('SELECT value FROM globals WHERE key = ?', [key]);
    return row === undefined ? undefined : (JSON.parse(row.value as string) as Json);
  }),
};
