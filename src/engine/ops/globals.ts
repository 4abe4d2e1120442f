import { readOp } from './read-op.js';
import { AlreadyExistsError } from '../../shared/errors.js';
import type { Json } from '../../shared/types.js';
import type { Db } from '../db.js';
import { CARRIED_VALUE_MAX } from '../../shared/change-notice.js';

/** A small value rides along with its notice, so a live `globals.get` in another tab needs no read back. */
function carry(text: string): { valueJson: string } | undefined {
  return text.length <= CARRIED_VALUE_MAX ? { valueJson: text } : undefined;
}

/** Global key/value: write-once `put`, overwriting `upsert`. */
export const globalsOps = {
  'globals.put'(db: Db, key: string, value: Json): void {
    const text = JSON.stringify(value);
    const inserted = db.run('INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [key, text, db.now()]);
    if (inserted === 0) {
      throw new AlreadyExistsError(
        `Global ${JSON.stringify(key)} was already written; globals.put() is write-once. Use globals.upsert() to overwrite it.`,
      );
    }
    db.changed('globals', key, undefined, carry(text));
  },

  'globals.upsert'(db: Db, key: string, value: Json): void {
    const text = JSON.stringify(value);
    db.run(
      `INSERT INTO globals (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, text, db.now()],
    );
    db.changed('globals', key, undefined, carry(text));
  },

  'globals.get': readOp((db: Db, key: string): Json | undefined => {
    const row = db.get('SELECT value FROM globals WHERE key = ?', [key]);
    return row === undefined ? undefined : (JSON.parse(row.value as string) as Json);
  }),
};
