import { afterAll } from 'vitest';
import type { Store } from '../../src/index.js';
import { Stores, type Backend } from './backends.js';

/**
 * One store for the cases of a describe block that need no fresh database
 * (refusals, reads, writes under keys of their own); opened on first use,
 * closed after the block. Opening a worker store costs far more than any of
 * those cases. A case on it uses {@link freshName} keys, so it neither sees
 * another case's rows nor depends on their order.
 */
export function sharedStore(backend: Backend): () => Promise<Store> {
  const stores = new Stores(backend);
  let store: Promise<Store> | undefined;
  afterAll(() => stores.closeAll());
  return () => (store ??= stores.open());
}

let nameCounter = 0;

/** A name (table, stream, run, key) no other case of this file uses. */
export function freshName(prefix = 't'): string {
  nameCounter += 1;
  return `${prefix}${nameCounter}`;
}
