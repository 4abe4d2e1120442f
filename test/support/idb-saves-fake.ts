// What src/engine/storage/idb-saves.ts does, over maps instead of IndexedDB and with
// failures on demand: for tests of the fallback's own logic (what it saves, when it
// reloads), not of IndexedDB, which the browser tests use for real.

type File = { size: number; chunks: Map<number, Uint8Array> };

/** The fake's state, for tests to look at and to set failures on. */
export const idb = {
  pages: new Map<string, File>(),
  images: new Map<string, Uint8Array>(),
  /** Returns the error a save of `bytes` changed bytes fails with, if it should. */
  failSave: undefined as ((bytes: number) => Error | undefined) | undefined,
  failDelete: false,
  /** Bytes written by each save, in order. */
  saved: [] as number[],
};

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

export const fakeSaves = {
  /** As IndexedDB's getAll over the key range: the chunks there are, in index order, gaps closed. */
  async loadPages(name: string) {
    const file = idb.pages.get(name);
    if (!file) return undefined;
    const chunks = [...file.chunks.entries()].sort(([a], [b]) => a - b).map(([, c]) => c.slice());
    return { size: file.size, chunks };
  },
  async savePages(name: string, size: number, changed: ReadonlyMap<number, Uint8Array>, dropFrom?: number) {
    const bytes = [...changed.values()].reduce((sum, c) => sum + c.byteLength, 0);
    const err = idb.failSave?.(bytes);
    if (err) throw err;
    const chunks = new Map(idb.pages.get(name)?.chunks);
    if (dropFrom !== undefined) for (const index of [...chunks.keys()]) if (index >= dropFrom) chunks.delete(index);
    for (const [index, c] of changed) chunks.set(index, c.slice());
    idb.pages.set(name, { size, chunks });
    idb.saved.push(bytes);
  },
  async loadImage(key: string) {
    return idb.images.get(key)?.slice();
  },
  async deleteImage(key: string) {
    if (idb.failDelete) throw new DOMException('The transaction was aborted.', 'AbortError');
    idb.images.delete(key);
  },
};

/** A save that fails as a full quota does. */
export const refuseAll = () => quotaError();
/** Saves over `limit` changed bytes fail as a full quota does. */
export const refuseOver = (limit: number) => (bytes: number) => (bytes > limit ? quotaError() : undefined);
