// A Worker for test/server/workerd-one-store.test.ts: one Durable Object that opens a
// second store on its storage while the first is open, then again after closing it.
import { DurableObject } from 'cloudflare:workers';
// From src/, not the package name: the root typecheck runs before any dist/ exists.
import { openStore } from '../../src/workerd.js';

export class Twice extends DurableObject {
  override async fetch(): Promise<Response> {
    const first = await openStore({ name: 'twice', durableObject: this.ctx.storage });
    await first.outputs.put('r', 'n', 1);
    const second = await openStore({ name: 'twice', durableObject: this.ctx.storage }).then(
      () => ({ opened: true }),
      (err: { name?: string; sqliteCode?: number; message?: string }) => ({
        name: err.name,
        sqliteCode: err.sqliteCode,
        message: err.message,
      }),
    );
    await first.close();
    const reopened = await openStore({ name: 'twice', durableObject: this.ctx.storage });
    const value = await reopened.outputs.get('r', 'n');
    await reopened.close();
    return Response.json({ second, value });
  }
}

export default {
  fetch: (request: Request, env: { TWICE: DurableObjectNamespace }) => env.TWICE.get(env.TWICE.idFromName('t')).fetch(request),
};
