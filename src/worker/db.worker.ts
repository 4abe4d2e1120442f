import { expose } from 'comlink';
import { createEngineHost } from '../engine/engine-host.js';
import { envelope } from '../shared/envelope.js';
import { isExecRequest, type OpenRequest } from '../shared/protocol.js';

const host = createEngineHost();
// Batches travel as plain messages on the worker's own port: a transferred MessagePort
// costs each message about twice as much in Chromium (measured: bench scenario 3).
// Registered before comlink's listener, which must not see them.
self.addEventListener('message', (event: MessageEvent) => {
  if (!isExecRequest(event.data)) return;
  event.stopImmediatePropagation();
  host.answer(event.data, (response) => self.postMessage(response));
});
expose({
  open: (req: OpenRequest) => envelope(() => host.open(req)),
  serve: (name: string, leaderId: string) => envelope(() => host.serve(name, leaderId)),
  close: () => envelope(() => host.close()),
});
