import { changeChannelName, type ChangeMessage, type ChangeNotice, type WatchAnswer } from '../shared/protocol.js';
import { decodeError, type DumpError, type WireError } from '../shared/errors.js';

/** Gets each committed change; `answers` are the watched reads answered with its commit (see WatchAnswer). */
type Listener = (change: ChangeNotice, answers?: readonly WatchAnswer[]) => void;
type DumpListener = (error: DumpError) => void;

/**
 * Receives the database's change notices and hands them to local listeners:
 * from every tab and worker of the origin over a BroadcastChannel, or, for a
 * store whose engine runs in this thread (`broadcast` false: servers, Durable
 * Objects, worker: false), straight from the engine through {@link deliver},
 * so no runtime needs BroadcastChannel for that.
 */
export class ChangeFeed {
  readonly #channel: BroadcastChannel | undefined;
  readonly #listeners = new Set<Listener>();
  readonly #closeListeners = new Set<() => void>();
  readonly #dumpListeners = new Set<DumpListener>();
  readonly #recheckListeners = new Set<() => void>();
  #closed = false;

  constructor(dbName: string, broadcast = true) {
    if (!broadcast) return;
    this.#channel = new BroadcastChannel(changeChannelName(dbName));
    this.#channel.onmessage = (event: MessageEvent<Partial<ChangeMessage> | null>) => {
      const msg = event.data;
      if (msg?.type === 'dump-error' && msg.error?.code === 'DUMP') this.deliverDumpError(msg.error);
      if (msg?.type !== 'changes' || !Array.isArray(msg.changes)) return;
      // Any page of the origin can post here: only notices of the shape an engine sends reach listeners.
      const changes = msg.changes.filter(isNotice);
      this.deliver(changes, Array.isArray(msg.answers) ? msg.answers : undefined);
    };
  }

  /** Hands a table dump's failure to every dump listener. */
  deliverDumpError(wire: WireError): void {
    for (const listener of [...this.#dumpListeners]) {
      try {
        listener(decodeError(wire) as DumpError);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Calls `listener` with each DumpError of this database, from whichever tab writes its files; returns the unsubscribe function. */
  subscribeDumpErrors(listener: DumpListener): () => void {
    this.#dumpListeners.add(listener);
    return () => this.#dumpListeners.delete(listener);
  }

  /** Hands committed changes (and the watched reads answered with them) to every listener. */
  deliver(changes: readonly ChangeNotice[], answers?: readonly WatchAnswer[]): void {
    // A batch of 1,000 writes would copy the empty listener set 1,000 times.
    if (this.#listeners.size === 0) return;
    for (const change of changes) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(change, answers);
        } catch (err) {
          // One broken listener must not starve the others; surface it without stopping the loop.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    }
  }

  /** Calls `listener` after each change commits; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` when notices may have been lost (a leader took over), so readers read again; returns the unsubscribe function. */
  onRecheck(listener: () => void): () => void {
    this.#recheckListeners.add(listener);
    return () => this.#recheckListeners.delete(listener);
  }

  /** Tells every recheck listener that notices may have been lost (see onRecheck). */
  recheck(): void {
    if (this.#closed) return;
    for (const listener of [...this.#recheckListeners]) listener();
  }

  /** Calls `listener` once when the feed closes (its store closed); returns the unsubscribe function. */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Whether the feed was closed: no notice comes any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal Tests only: how many listeners (change and close) are registered, to prove none leak. */
  get listenerCount(): number {
    return this.#listeners.size + this.#closeListeners.size + this.#recheckListeners.size;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#dumpListeners.clear();
    this.#channel?.close();
    const closing = [...this.#closeListeners];
    this.#closeListeners.clear();
    for (const listener of closing) listener();
  }
}

function isNotice(value: unknown): value is ChangeNotice {
  if (typeof value !== 'object' || value === null) return false;
  const { module, key, version } = value as Partial<ChangeNotice>;
  return typeof module === 'string' && typeof key === 'string' && Number.isSafeInteger(version) && version! >= 0;
}
