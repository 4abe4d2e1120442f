import { expose } from 'comlink';
import { installErrorCodec } from '../../src/comlink-errors.js';
import {
  AlreadyExistsError,
  AmbiguousIdError,
  ClosedError,
  NotFoundError,
  StorageError,
  StorageFullError,
  TimeoutError,
  ValidationError,
} from '../../src/errors.js';

installErrorCodec();

// Throws each error class from a real worker, so the test sees what the boundary keeps.
const makers: Record<string, () => Error> = {
  ALREADY_EXISTS: () => new AlreadyExistsError('Output (run r1, node n1) was already written.'),
  NOT_FOUND: () => new NotFoundError('No record has id "x".'),
  VALIDATION: () => new ValidationError('must be a string', 'data.title', 3),
  AMBIGUOUS_ID: () => new AmbiguousIdError('ab', ['ab1', 'ab2']),
  STORAGE_FULL: () => new StorageFullError('The storage quota is exhausted.'),
  CLOSED: () => new ClosedError(),
  STORAGE: () => new StorageError('The database failed: disk I/O error', { sqliteCode: 778 }),
  TIMEOUT: () => new TimeoutError('No tab answered.'),
  PLAIN: () => new TypeError('not one of ours'),
};

expose({
  throwError(code: string): never {
    throw makers[code]!();
  },
});
