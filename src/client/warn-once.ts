import type { OpenReply } from '../shared/protocol.js';

const warned = new Set<string>();

/** Prints an open reply's warning (e.g. a storage fallback) once per page. */
export function warnOnce(reply: OpenReply): void {
  if (reply.warning && !warned.has(reply.warning)) {
    warned.add(reply.warning);
    console.warn(reply.warning);
  }
}
