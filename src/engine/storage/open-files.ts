/**
 * The database files this process has open, by absolute path, each with how
 * to end its store: deleteStore() on a server ends a store of this process
 * that holds the file before it removes it (another process's is refused).
 */
const open = new Map<string, () => Promise<void>>();

export function holdOpenFile(file: string, end: () => Promise<void>): void {
  open.set(file, end);
}

export function releaseOpenFile(file: string, end: () => Promise<void>): void {
  if (open.get(file) === end) open.delete(file);
}

/** Ends the store of this process that has `file` open, if there is one; resolves once it let go of the file. */
export async function endOpenFile(file: string): Promise<void> {
  await open.get(file)?.();
}

/** The paths of the files this process has open. */
export function openFiles(): string[] {
  return [...open.keys()];
}
