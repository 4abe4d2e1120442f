// A Worker for test/server/workerd-foreign.test.ts: each kind of request runs in a Durable Object
// of its own, which first uses its storage as the request says (`?before=kv|table|none`), then opens a store.
import { DurableObject } from 'cloudflare:workers';
// From src/, not the package name: the root typecheck runs before any dist/ exists.
import { openStore } from '../../src/workerd.js';

export class Slot extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    const before = new URL(request.url).searchParams.get('before');
    if (before === 'kv') await this.ctx.storage.put('greeting', 'hello');
    if (before === 'table')
      this.ctx.storage.sql.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann')");
    const tables = () =>
      this.ctx.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((r: Record<string, unknown>) => String(r.name));
    const had = tables();
    try {
      const store = await openStore({ name: 'foreign', durableObject: this.ctx.storage });
      await store.globals.put('k', 1);
      await store.close();
      return Response.json({ ok: true, had, kv: await this.ctx.storage.get('greeting') });
    } catch (err) {
      const { name, code, message } = err as { name: string; code: string; message: string };
      return Response.json({ ok: false, had, error: { name, code, message }, after: tables() });
    }
  }
}

export default {
  fetch: (request: Request, env: { OBJECTS: DurableObjectNamespace }) =>
    env.OBJECTS.get(env.OBJECTS.idFromName(new URL(request.url).search)).fetch(request),
};
