/** What a leading store does when its page goes away for a while or for good. */
export type LifecycleHandlers = {
  /** The page is being frozen or put in the back/forward cache. */
  suspend(): void;
  /** The page came back from being frozen or cached. */
  resume(): void;
  /** The page is unloading for good. */
  close(): void;
};

/**
 * Follows the page lifecycle until `signal` aborts: a page that unloads
 * closes, one that is frozen or cached suspends, and one that comes back
 * resumes. Outside a page (in a worker) there is nothing to follow.
 */
export function followPageLifecycle(handlers: LifecycleHandlers, signal: AbortSignal): void {
  if (typeof document !== 'undefined') {
    document.addEventListener('freeze', () => handlers.suspend(), { signal });
    document.addEventListener('resume', () => handlers.resume(), { signal });
  }
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', (event) => (event.persisted ? handlers.suspend() : handlers.close()), { signal });
    window.addEventListener('pageshow', (event) => event.persisted && handlers.resume(), { signal });
  }
}
