import type { BatchAnswer, Call, ChangeNotice, OpenRequest } from '../shared/protocol.js';
import type { WireError } from '../shared/errors.js';
import type { ServerParts } from '../engine/storage/open-storage.js';
import type { StorageKind } from '../shared/types.js';

/** Who owns the database file right now. */
export type Role = 'leader' | 'follower';

/** How a store's calls reach the engine: in-process, its own worker, or the leader's. */
export interface Connection {
  readonly storage: StorageKind;
  readonly role: Role;
  send(calls: Call[]): Promise<BatchAnswer>;
  onRoleChange(listener: (role: Role) => void): () => void;
  close(): Promise<void>;
  /** Tests only: drop everything as a crashed tab would (no db close, no pool release). */
  crash(): Promise<void>;
}

export type ConnectionOptions = OpenRequest & {
  worker: boolean;
  leaderTimeoutMs: number;
  /** Loads server storage (files, Durable Objects): set by the server entries only. */
  server?: () => Promise<ServerParts>;
  /** Where an in-process engine hands its change notices (the store's feed). */
  notify?: (changes: ChangeNotice[]) => void;
  /** Where an in-process engine hands the errors of table dumps (the store's feed). */
  dumpError?: (error: WireError) => void;
};
