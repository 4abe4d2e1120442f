/**
 * A directory the Markdown files of one table go to. Each write replaces a
 * file whole (a reader never sees half a file); both calls reject with the
 * platform's own error, which the writer turns into a DumpError.
 */
export interface DumpDir {
  /** What to call the directory in messages (its path or name). */
  readonly label: string;
  /** Throws if the directory cannot be written now (permission not granted); called before each round of writes. */
  ready(): Promise<void>;
  write(file: string, text: string): Promise<void>;
  /** Removes a file; a file already gone is fine. */
  remove(file: string): Promise<void>;
  /**
   * Makes the names written and removed since the last call durable (on a
   * server, a rename survives a power cut only once its directory is synced);
   * a file counts as written only after this resolves. Absent where the
   * platform gives no such call.
   */
  flush?(): Promise<void>;
}
