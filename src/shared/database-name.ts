import { ValidationError } from './errors.js';
import { assertId, describe } from './validate.js';

/** The longest database name, in UTF-16 units. */
export const MAX_NAME_LENGTH = 128;

/**
 * Throws unless `name` can name a database: 1 to 128 characters of
 * well-formed Unicode, with no control characters and no path separators.
 * A name ends up in storage keys, channel names and directory names, where a
 * NUL or a "/../" could mean something other than a name.
 */
export function assertDatabaseName(name: unknown): asserts name is string {
  assertId(name, 'name');
  if (name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(`a database name may have at most ${MAX_NAME_LENGTH} characters, got ${name.length}`, 'name');
  }
  if (/[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new ValidationError(`a database name may not hold control characters, "/" or "\\", got ${describe(name)}`, 'name');
  }
}
