import { expose } from 'comlink';
import { filesReleased } from '../../src/engine/storage/pool-handles.js';

type Held = { close(): void };
let held: Held | undefined;

async function directory(path: string): Promise<FileSystemDirectoryHandle> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/')) dir = await dir.getDirectoryHandle(part, { create: true });
  return dir;
}

// One worker plays the gone page's worker (it holds a file), another the new one (it waits).
expose({
  async hold(path: string): Promise<void> {
    const file = await (await directory(path)).getFileHandle('pool-file', { create: true });
    held = await (file as unknown as { createSyncAccessHandle(): Promise<Held> }).createSyncAccessHandle();
  },
  letGo(): void {
    held?.close();
    held = undefined;
  },
  holding: () => held !== undefined,
  filesReleased: (path: string, patienceMs: number, onWait?: () => void) => filesReleased(path, patienceMs, onWait),
});
