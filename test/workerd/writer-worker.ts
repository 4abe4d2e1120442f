// A Worker for the workerd kill test (test/server/workerd-kill.test.ts): one Durable Object
// whose store takes writes (/write?i=) and reports everything it holds (/state).
import { DurableObject } from 'cloudflare:workers';
// From src/, not the package name: the root typecheck runs before any dist/ exists.
import { openStore, type Store } from '../../src/workerd.js';

export class Writer extends DurableObject {
  #store: Promise<Store> = openStore({ name: 'writer', durableObject: this.ctx.storage });

  override async fetch(request: Request): Promise<Response> {
    const store = await this.#store;
    const url = new URL(request.url);
    if (url.pathname === '/write') {
      // Two writes: a write-once output and a stream frame (an append that a replay would duplicate).
      const i = Number(url.searchParams.get('i'));
      await store.outputs.put('w', `k${i}`, i);
      await store.streams.append('w', { data: i });
      return new Response('ok');
    }
    const keys = await store.outputs.keys('w');
    const outputs = await Promise.all(keys.map(async (k) => [k, await store.outputs.get('w', k)]));
    const { frames } = await store.streams.read('w', { from: '-', to: '+', limit: 10_000 });
    const integrity = await store.inspect('PRAGMA integrity_check');
    return Response.json({ outputs, frames: frames.map((f) => [f.seq, f.data]), integrity });
  }
}

export default {
  fetch: (request: Request, env: { WRITER: DurableObjectNamespace }) => env.WRITER.get(env.WRITER.idFromName('w')).fetch(request),
};
