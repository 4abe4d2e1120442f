import { ValidationError } from '../shared/errors.js';

/** What store.import() takes: the bytes of a SQLite database file, whole or as a stream of chunks. */
export type ImageSource = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

/**
 * The bytes of an image, read whole: the engine checks the image on a copy
 * before anything changes, so it needs all of it at once (a stream is read
 * to its end first; its chunks must be Uint8Arrays).
 * @throws ValidationError for anything else, or if the Blob or stream cannot be read.
 */
export async function imageBytes(source: unknown): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  try {
    if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
    if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) return await readAll(source);
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(`the image could not be read (${(err as Error)?.message ?? String(err)})`, 'image');
  }
  throw new ValidationError(
    'import() takes the bytes of a SQLite database: a Uint8Array, ArrayBuffer, Blob (a File) or ReadableStream',
    'image',
  );
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!(value instanceof Uint8Array)) {
        throw new ValidationError(`a stream given to import() must yield Uint8Array chunks, got ${typeof value}`, 'image');
      }
      chunks.push(value);
      length += value.byteLength;
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
