import type { StorageKind } from '../../shared/types.js';
import type { Driver } from './driver.js';

/**
 * An open database plus what it takes to release it: what every storage
 * backend hands the engine, so the engine never asks which one it has.
 */
export type OpenedDb = {
  driver: Driver;
  storage: StorageKind;
  /** Gives back what the database held beyond its connection (OPFS access handles); after driver.close(). */
  release: () => void;
  /** The absolute path of the database file, for file storage. */
  file?: string;
  /** For storage kept in memory and saved after each commit (IndexedDB): saves what the commit changed; a write resolves only after it. */
  persist?: () => Promise<void>;
};
