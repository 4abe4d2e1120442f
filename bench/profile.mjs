// `npm run bench:profile -- <scenario> [n]`: CPU profiles of one bench scenario,
// on the page's main thread and in the flowstore worker, sampled every 50 µs.
// Writes artifacts/profile-{main,worker}.cpuprofile (open them in DevTools) and
// prints each thread's top functions by self time. Profiling slows everything
// down: use it to see where time goes, never to quote figures.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, openPage, root, serveDev } from './browser.mjs';

const scenario = process.argv[2] ?? 'sequentialReads';
const n = Number(process.argv[3] ?? 1000);
const TOP = 15;

/** Self time per function, largest first. */
function topSelf(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url ? `${url.split('/').pop().split('?')[0]}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([fn, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${fn}`);
}

const { context, close } = await launch();
const server = await serveDev(['bench/index.html']);
try {
  const page = await openPage(context, `${server.origin}/bench/index.html`);
  await page.evaluate(([p, count]) => window.bench.setup(p, count), [Date.now().toString(36), n]);
  const cdp = await context.newCDPSession(page);
  // Workers are reached through the page's session (Playwright gives CDP sessions to pages only).
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.title.startsWith('flowstore:'));
  if (!target) throw new Error('no flowstore worker found in the bench page');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let nextId = 1;
  const answers = new Map();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    const msg = JSON.parse(event.message);
    answers.get(msg.id)?.(msg.result);
    answers.delete(msg.id);
  });
  const inWorker = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      answers.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
  for (const send of [(m, p) => cdp.send(m, p), inWorker]) {
    await send('Profiler.enable', {});
    await send('Profiler.setSamplingInterval', { interval: 50 });
    await send('Profiler.start', {});
  }
  for (let rep = 0; rep < 3; rep++) {
    const result = await page.evaluate(([fn, r, count]) => window.bench[fn](r, count), [scenario, rep, n]);
    console.log(`${scenario} rep ${rep + 1} (profiled, slower than real): ${JSON.stringify(result)}`);
  }
  const main = (await cdp.send('Profiler.stop')).profile;
  const worker = (await inWorker('Profiler.stop')).profile;
  const dir = join(root, 'artifacts');
  await mkdir(dir, { recursive: true });
  for (const [name, profile] of [
    ['main', main],
    ['worker', worker],
  ]) {
    await writeFile(join(dir, `profile-${name}.cpuprofile`), JSON.stringify(profile));
    console.log(`\n${name} thread, top ${TOP} by self time (artifacts/profile-${name}.cpuprofile):`);
    for (const line of topSelf(profile)) console.log(line);
  }
} finally {
  await close();
  await server.stop();
}
