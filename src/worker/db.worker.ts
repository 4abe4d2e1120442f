import { expose } from 'comlink';
import { installErrorCodec } from '../comlink-errors.js';
import { isExecRequest } from '../protocol.js';
import { createEngineHost } from './host.js';

installErrorCodec();
const host = createEngineHost();
// Batches travel as plain messages on the worker's own port: a transferred MessagePort
// costs each message about twice as much in Chromium (measured: bench scenario 3).
// Registered before comlink's listener, which must not see them.
self.addEventListener('message', (event: MessageEvent) => {
  if (!isExecRequest(event.data)) return;
  event.stopImmediatePropagation();
  host.answer(event.data, (response) => self.postMessage(response));
});
expose(host);
