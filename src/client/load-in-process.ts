import type { InProcessOpener } from './connection.js';

/** Loads the engine that runs on this thread, on first use only (a dynamic import, so it stays out of bundles that never call it). */
export async function loadInProcess(): Promise<InProcessOpener> {
  return (await import('./in-process-connection.js')).openInProcess;
}
