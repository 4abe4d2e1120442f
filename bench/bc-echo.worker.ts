// Bare BroadcastChannel round trips between two workers: one echoes, the other pings and times.
export {};
type EchoRequest = { role: 'echo'; channel: string } | { role: 'ping'; channel: string; trials: number };

self.onmessage = async (event: MessageEvent<EchoRequest>) => {
  const req = event.data;
  const bc = new BroadcastChannel(req.channel);
  if (req.role === 'echo') {
    bc.onmessage = (m) => bc.postMessage(m.data);
    postMessage('ready');
    return;
  }
  const times: number[] = [];
  for (let i = 0; i < req.trials; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      bc.onmessage = () => resolve();
      bc.postMessage(i);
    });
    times.push(performance.now() - t0);
  }
  bc.close();
  postMessage(times);
};
