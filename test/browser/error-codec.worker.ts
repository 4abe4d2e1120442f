import { expose } from 'comlink';
import { envelope } from '../../src/shared/envelope.js';
import {
  AlreadyExistsError,
  AmbiguousIdError,
  ClosedError,
  DumpError,
  NotFoundError,
  StorageError,
  StorageFullError,
  TimeoutError,
  ValidationError,
} from '../../src/shared/errors.js';

// Throws each error class from a real worker, through the same envelope the store worker uses.
const makers: Record<string, () => Error> = {
  ALREADY_EXISTS: () => new AlreadyExistsError('Output (run r1, node n1) was already written.'),
  NOT_FOUND: () => new NotFoundError('No record has id "x".'),
  VALIDATION: () => new ValidationError('must be a string', 'data.title', 3),
  AMBIGUOUS_ID: () => new AmbiguousIdError('ab', ['ab1', 'ab2']),
  STORAGE_FULL: () => new StorageFullError('The storage quota is exhausted.'),
  CLOSED: () => new ClosedError(),
  STORAGE: () => new StorageError('The database failed: disk I/O error', { sqliteCode: 778 }),
  TIMEOUT: () => new TimeoutError('No tab answered.'),
  DUMP: () => new DumpError('The files of table notes could not be written.', 'notes', ['id-1']),
  PLAIN: () => new TypeError('not one of ours'),
};

expose({
  throwError: (code: string) =>
    envelope(() => {
      throw makers[code]!();
    }),
});
