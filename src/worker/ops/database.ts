import { ValidationError } from '../../errors.js';
import type { Tx } from '../tx.js';

/** Whole-database operations: export, and read-only diagnostics. */
export const databaseOps = {
  'db.export'(tx: Tx): Uint8Array {
    return tx.exportImage();
  },

  /** Runs a PRAGMA, EXPLAIN or SELECT (integrity checks and query plans in tests and tools). */
  'db.inspect'(tx: Tx, sql: string): Record<string, unknown>[] {
    if (!/^\s*(PRAGMA|EXPLAIN|SELECT)\b/i.test(sql) || /;\s*\S/.test(sql)) {
      throw new ValidationError('inspect() runs a single PRAGMA, EXPLAIN or SELECT statement', 'sql');
    }
    return tx.query(sql);
  },
};
