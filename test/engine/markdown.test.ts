import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/shared/errors.js';
import { fileName } from '../../src/engine/dump/markdown.js';
import { randomId } from '../../src/engine/random-id.js';

describe('the file name of a row', () => {
  it('is its id with .md', () => {
    const id = randomId();
    expect(fileName(id)).toBe(`${id}.md`);
  });

  it('is refused with a ValidationError for an id that is not a UUID, which could name a file anywhere', () => {
    for (const id of ['../../escaped', '/etc/passwd', 'a\\b', '', 'ABCDEF01-2345-4678-89AB-CDEF01234567', `${randomId()}/x`]) {
      expect(() => fileName(id)).toThrow(ValidationError);
    }
    expect(() => fileName(42 as unknown as string)).toThrow(ValidationError);
  });
});
