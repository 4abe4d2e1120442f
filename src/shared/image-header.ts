import { ValidationError } from './errors.js';

const MAGIC = 'SQLite format 3\u0000';

/**
 * Throws a ValidationError saying what is wrong unless `image` starts like a
 * whole SQLite database file: the 16-byte magic string, a valid page size,
 * and a length that is a whole number of pages. Cheap (it reads 100 bytes),
 * so the page checks it before an image travels to the worker or the leader.
 */
export function assertSqliteImage(image: unknown): asserts image is Uint8Array {
  if (!(image instanceof Uint8Array)) {
    throw new ValidationError(
      `import() takes the bytes of a SQLite database (Uint8Array, Blob or ReadableStream), got ${kind(image)}`,
      'image',
    );
  }
  if (image.byteLength < 512) {
    throw new ValidationError(`this is not a SQLite database image: it has ${image.byteLength} bytes, and the smallest has 512`, 'image');
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (image[i] !== MAGIC.charCodeAt(i)) {
      throw new ValidationError('this is not a SQLite database image: it does not start with "SQLite format 3"', 'image');
    }
  }
  const pageSize = pageSizeOf(image);
  if (pageSize === undefined) {
    throw new ValidationError(`the image's header gives no valid page size (bytes 16-17 are ${image[16]}, ${image[17]})`, 'image');
  }
  if (image.byteLength % pageSize !== 0) {
    throw new ValidationError(
      `the image is cut short or padded: ${image.byteLength} bytes is not a whole number of ${pageSize}-byte pages`,
      'image',
    );
  }
}

/** The page size a database header declares, or undefined if it is not a power of two from 512 to 65536. */
function pageSizeOf(image: Uint8Array): number | undefined {
  const raw = (image[16]! << 8) | image[17]!;
  const size = raw === 1 ? 65536 : raw;
  return size >= 512 && size <= 65536 && (size & (size - 1)) === 0 ? size : undefined;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
