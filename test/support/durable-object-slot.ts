import type { DurableObjectStorageLike } from '../../src/index.js';

/**
 * The Durable Object a contract case runs in (test/workerd/contract-worker.ts
 * sets it before each case). One object is one database, so a case gets a
 * fresh object of its own, and every store it opens lives in that object.
 */
let current: { storage: DurableObjectStorageLike; name?: string } | undefined;

export function runInDurableObject(storage: DurableObjectStorageLike): void {
  current = { storage };
}

/** The storage for database `name`: the case's object; a case that needs two databases at once cannot run in one object. */
export function durableObjectFor(name: string): DurableObjectStorageLike {
  if (!current) throw new Error('no Durable Object: contract cases on this backend run through test/workerd/contract-worker.ts');
  current.name ??= name;
  if (current.name !== name)
    throw new Error(`this case opens two databases ('${current.name}', '${name}'); one Durable Object holds one database`);
  return current.storage;
}
