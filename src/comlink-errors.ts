import { transferHandlers, type TransferHandler } from 'comlink';
import { decodeError, encodeError, type WireError } from './errors.js';

let installed = false;

/**
 * comlink keeps only name/message/stack of a thrown error. This replaces its
 * "throw" handler with our codec so the class, code and fields of a
 * StoreError survive. Both sides of the boundary must call it.
 */
export function installErrorCodec(): void {
  if (installed) return;
  installed = true;
  const builtin = transferHandlers.get('throw')!;
  const handler: TransferHandler<{ value: unknown }, WireError> = {
    canHandle: (value): value is { value: unknown } => builtin.canHandle(value),
    serialize: ({ value }) => [encodeError(value), []],
    deserialize: (wire) => {
      throw decodeError(wire);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
