import { readOp } from './read-op.js';
import { ValidationError } from '../../shared/errors.js';
import type { Db } from '../db.js';
import { hasSeveralStatements } from '../sql-text.js';
import { importImage } from '../import-image.js';

// Pragmas that only report; those in the first list also set a value when given one.
const REPORTING_PRAGMAS = new Set(['journal_mode', 'synchronous', 'locking_mode', 'user_version', 'page_size', 'foreign_keys']);
const QUERY_PRAGMAS = new Set([
  'integrity_check',
  'quick_check',
  'page_count',
  'freelist_count',
  'data_version',
  'compile_options',
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_check',
  'foreign_key_list',
]);

/** Throws unless `sql` is one statement that cannot change the database or its settings. */
function assertReadOnly(sql: unknown): asserts sql is string {
  const refuse = (why: string) =>
    new ValidationError(`inspect() runs one read-only statement (SELECT, EXPLAIN or a reporting PRAGMA); ${why}`, 'sql');
  if (typeof sql !== 'string') throw refuse('got no SQL text');
  if (hasSeveralStatements(sql)) throw refuse('got more than one statement');
  if (/^\s*(SELECT|EXPLAIN)\b/i.test(sql)) return;
  const pragma = /^\s*PRAGMA\s+(?:main\.)?([A-Za-z_]+)\s*(.*?)\s*;?\s*$/is.exec(sql);
  if (!pragma) throw refuse('this is not one');
  const [, name = '', rest = ''] = pragma;
  const lower = name.toLowerCase();
  if (REPORTING_PRAGMAS.has(lower) && rest === '') return;
  if (QUERY_PRAGMAS.has(lower) && !rest.startsWith('=')) return;
  throw refuse(`PRAGMA ${name}${rest ? ' with a value' : ''} could change the database or its settings`);
}

/** Whole-database operations: export, import, and read-only diagnostics. */
export const databaseOps = {
  'db.export': readOp((db: Db): Uint8Array => {
    return db.exportImage();
  }),

  /** Replaces the whole database by a checked image (see importImage); every reader hears one 'database' notice. */
  'db.import': (db: Db, image: Uint8Array): void => {
    importImage(db, image);
  },

  /** Runs a SELECT, EXPLAIN or reporting PRAGMA (integrity checks and query plans in tests and tools). */
  'db.inspect': readOp((db: Db, sql: string): Record<string, unknown>[] => {
    assertReadOnly(sql);
    return db.query(sql);
  }),
};
