import type { Database } from '@sqlite.org/sqlite-wasm';
import type { StorageKind } from '../../shared/types.js';

/**
 * An open database plus what it takes to export and release it: what every
 * storage backend hands the engine, so the engine never asks which one it has.
 */
export type OpenedDb = {
  db: Database;
  storage: StorageKind;
  exportImage: () => Uint8Array;
  release: () => void;
  /** For snapshot storage: saves the committed image; a write resolves only after it. */
  persist?: () => Promise<void>;
};
