import { transferHandlers, wrap } from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/shared/envelope.js';
import type { Outcome } from '../../src/shared/protocol.js';
import {
  AlreadyExistsError,
  AmbiguousIdError,
  ClosedError,
  DumpError,
  NotFoundError,
  openStore,
  StorageError,
  StorageFullError,
  StoreError,
  TimeoutError,
  ValidationError,
} from '../../src/in-process.js';
import { uniqueName } from '../support/backends.js';
import { autoStorage } from '../support/engine.js';

const worker = new Worker(new URL('./error-codec.worker.ts', import.meta.url), { type: 'module' });
const remote = wrap<{ throwError(code: string): Promise<Outcome> }>(worker);
afterAll(() => worker.terminate());

async function thrown(code: string): Promise<Error> {
  try {
    await unwrap(remote.throwError(code));
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('errors crossing a real worker boundary', () => {
  it.each([
    ['ALREADY_EXISTS', AlreadyExistsError, {}],
    ['NOT_FOUND', NotFoundError, {}],
    ['VALIDATION', ValidationError, { path: 'data.title', reason: 'must be a string', index: 3 }],
    ['AMBIGUOUS_ID', AmbiguousIdError, { prefix: 'ab', candidates: ['ab1', 'ab2'] }],
    ['STORAGE_FULL', StorageFullError, {}],
    ['CLOSED', ClosedError, {}],
    ['STORAGE', StorageError, { sqliteCode: 778 }],
    ['TIMEOUT', TimeoutError, {}],
    ['DUMP', DumpError, { table: 'notes', rowIds: ['id-1'] }],
  ] as const)('%s keeps its class, code, message and fields', async (code, cls, fields) => {
    const err = await thrown(code);
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    expect(err.name).toBe(cls.name);
    expect(err).toMatchObject(fields);
    expect(err.message.length).toBeGreaterThan(10);
  });

  it('keeps the exact message', async () => {
    const err = await thrown('ALREADY_EXISTS');
    expect(err.message).toBe('Output (run r1, node n1) was already written.');
  });

  it('turns a foreign error into a StorageError that names it', async () => {
    const err = await thrown('PLAIN');
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toContain('TypeError');
    expect(err.message).toContain('not one of ours');
  });

  it('errors raised by the engine in the store worker arrive as their classes', async () => {
    const store = await openStore({ name: uniqueName('errs'), storage: autoStorage });
    try {
      await store.outputs.put('r', 'n', 1);
      const dup = await store.outputs.put('r', 'n', 2).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(AlreadyExistsError);
      expect((dup as Error).message).toContain('write-once');
      await expect(store.records.get('x')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.inspect('DROP TABLE outputs')).rejects.toMatchObject({ code: 'VALIDATION', path: 'sql' });
      const bad = await store.inspect('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(StorageError);
      expect((bad as StorageError).sqliteCode).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("leaves comlink's global handlers alone: an app's own comlink worker gets comlink's plain errors", async () => {
    const builtin = transferHandlers.get('throw');
    const store = await openStore({ name: uniqueName('errs-app'), storage: autoStorage });
    const appWorker = new Worker(new URL('./app-comlink.worker.ts', import.meta.url), { type: 'module' });
    try {
      const app = wrap<{ fail(): void; double(n: number): number }>(appWorker);
      await store.outputs.put('r', 'n', 1);
      expect(transferHandlers.get('throw')).toBe(builtin);
      const err = await app.fail().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(StoreError);
      expect((err as Error).message).toBe('boom');
      expect(await app.double(21)).toBe(42);
      // flowstore's typed errors still arrive with class and fields beside it.
      const dup = await store.outputs.put('r', 'n', 2).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(AlreadyExistsError);
      await expect(store.inspect('DROP TABLE outputs')).rejects.toMatchObject({ code: 'VALIDATION', path: 'sql' });
    } finally {
      appWorker.terminate();
      await store.close();
    }
  });
});
