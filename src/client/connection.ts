import type { BatchAnswer, Call, ChangeNotice, OpenRequest } from '../shared/protocol.js';
import type { WireError } from '../shared/errors.js';
import type { ServerParts } from '../engine/storage/open-storage.js';
import type { Role, StorageKind } from '../shared/types.js';
import type { ReadWatches } from './read-watches.js';

export type { Role };

/** How a store's calls reach the engine: in-process, its own worker, or the leader's. */
export interface Connection {
  readonly storage: StorageKind;
  readonly role: Role;
  send(calls: Call[]): Promise<BatchAnswer>;
  onRoleChange(listener: (role: Role) => void): () => void;
  /**
   * Calls `listener` whenever a leader takes over (this instance or another): the notices of the
   * last commits of the one before may have gone down with it. Absent where no leader changes.
   */
  onLeaderChange?(listener: () => void): () => void;
  /** Calls `listener` once if the connection ends on its own (deleteStore() deleted the database); returns the unsubscribe function. */
  onEnded(listener: () => void): () => void;
  close(): Promise<void>;
  /** Tests only: drop everything as a crashed tab would (no db close, no pool release). */
  crash(): Promise<void>;
  /** Where live queries register their reads with the leader's engine; absent where reads are answered in this thread. */
  readonly watches?: ReadWatches;
}

/** Opens a connection to an engine on this thread; `locks` hold a browser database for this instance alone. */
export type InProcessOpener = (options: ConnectionOptions, locks?: LockManager) => Promise<Connection>;

export type ConnectionOptions = OpenRequest & {
  worker: boolean;
  leaderTimeoutMs: number;
  /** Loads server storage (files, Durable Objects): set by the server entries only. */
  server?: () => Promise<ServerParts>;
  /** Loads the in-process engine: set by the entries that carry it (not the browser build). */
  inProcess?: () => Promise<InProcessOpener>;
  /** Where an in-process engine hands its change notices (the store's feed). */
  notify?: (changes: ChangeNotice[]) => void;
  /** Where an in-process engine hands the errors of table dumps (the store's feed). */
  dumpError?: (error: WireError) => void;
};
