/**
 * Bytes saved to IndexedDB per value. Chromium moves values over 64 KiB out
 * of its database into blob files of their own (slow to write), and a commit
 * writes whole chunks, so a chunk is small enough to stay inline and large
 * enough that a 50 MB database loads as ~1,600 values.
 */
export const CHUNK = 32 * 1024;

/** What changed since the last save: the file's size and a copy of every chunk written to. */
export type FileChanges = { size: number; chunks: Map<number, Uint8Array> };

/**
 * A file held in memory as fixed-size chunks, which remembers the chunks
 * written since the changes were last taken: what the IndexedDB fallback
 * saves after a commit, so a write costs what it changed, not the database's size.
 */
export class PageFile {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #dirty = new Set<number>();
  #resized = false;

  /** A file holding `chunks` (each CHUNK bytes long, the last one padded) and `size` bytes. */
  static from(size: number, chunks: Uint8Array[]): PageFile {
    const file = new PageFile();
    file.#chunks = chunks;
    file.#size = size;
    return file;
  }

  get size(): number {
    return this.#size;
  }

  /** Copies bytes from `offset` into `into`; returns how many there were (past the end: fewer). */
  read(into: Uint8Array, offset: number): number {
    const n = Math.max(0, Math.min(into.length, this.#size - offset));
    for (let done = 0; done < n;) {
      const at = offset + done;
      const index = Math.floor(at / CHUNK);
      const start = at - index * CHUNK;
      const take = Math.min(n - done, CHUNK - start);
      into.set(this.#chunks[index]!.subarray(start, start + take), done);
      done += take;
    }
    return n;
  }

  /** Writes `bytes` at `offset`, growing the file (with zeros between) if it ends before. */
  write(bytes: Uint8Array, offset: number): void {
    const end = offset + bytes.length;
    while (this.#chunks.length * CHUNK < end) this.#chunks.push(new Uint8Array(CHUNK));
    for (let done = 0; done < bytes.length;) {
      const at = offset + done;
      const index = Math.floor(at / CHUNK);
      const start = at - index * CHUNK;
      const take = Math.min(bytes.length - done, CHUNK - start);
      this.#chunks[index]!.set(bytes.subarray(done, done + take), start);
      this.#dirty.add(index);
      done += take;
    }
    if (end > this.#size) this.#grow(end);
  }

  /** Cuts the file to `size` bytes (or grows it with zeros). */
  truncate(size: number): void {
    if (size > this.#size) return this.#grow(size);
    const keep = Math.ceil(size / CHUNK);
    this.#chunks.length = keep;
    for (const index of this.#dirty) if (index >= keep) this.#dirty.delete(index);
    // The bytes past the end in the last chunk are zeros again, as a file that grows back reads them.
    const tail = size - (keep - 1) * CHUNK;
    if (keep > 0 && tail < CHUNK) {
      this.#chunks[keep - 1]!.fill(0, tail);
      this.#dirty.add(keep - 1);
    }
    this.#size = size;
    this.#resized = true;
  }

  /** True when something was written or resized since the changes were last taken. */
  changed(): boolean {
    return this.#dirty.size > 0 || this.#resized;
  }

  /** The changes since the last call, copied (later writes do not touch them), and forgets them. */
  takeChanges(): FileChanges {
    const chunks = new Map<number, Uint8Array>();
    for (const index of [...this.#dirty].sort((a, b) => a - b)) chunks.set(index, this.#chunks[index]!.slice());
    this.#dirty.clear();
    this.#resized = false;
    return { size: this.#size, chunks };
  }

  /**
   * Marks the chunks of changes that were taken but could not be saved as
   * changed again (with what they hold now), so the next save writes them.
   */
  giveBack(changes: FileChanges): void {
    for (const index of changes.chunks.keys()) if (index < this.#chunks.length) this.#dirty.add(index);
    this.#resized = true;
  }

  #grow(size: number): void {
    while (this.#chunks.length * CHUNK < size) this.#chunks.push(new Uint8Array(CHUNK));
    // New chunks are zeros, and must be saved as such: a file read back has every chunk up to its size.
    for (let i = Math.floor(this.#size / CHUNK); i < Math.ceil(size / CHUNK); i++) this.#dirty.add(i);
    this.#size = size;
    this.#resized = true;
  }
}
