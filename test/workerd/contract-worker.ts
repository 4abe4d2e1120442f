// A Worker that runs the contract cases (test/contract) inside workerd, bundled by
// test/workerd/bundle.ts. Vitest's own runner, expect and vi run here; each case runs
// in a Durable Object of its own, so its stores live in a fresh object's SQLite storage.
// POST /list → every case's id and name; POST /run { file, id } → that case's result.
import { DurableObject } from 'cloudflare:workers';
import type { CaseResult } from './contract-runner.js';

// Loaded in a handler, not at startup: Vitest's fake timers probe setTimeout when they load,
// which workerd refuses in a Worker's global scope.
const runner = () => import('./contract-runner.js');

/** One contract case; the object's id is derived from the case's id, so every case gets an empty database. */
export class ContractCase extends DurableObject {
  override async fetch(request: Request): Promise<Response> {
    const { file, id } = (await request.json()) as { file: string; id: string };
    const result: CaseResult = await (await runner()).runCase(this.ctx.storage, file, id);
    return Response.json(result);
  }
}

export default {
  async fetch(request: Request, env: { CASES: DurableObjectNamespace }): Promise<Response> {
    if (new URL(request.url).pathname === '/list') return Response.json(await (await runner()).listCases());
    const { file, id } = (await request.clone().json()) as { file: string; id: string };
    return env.CASES.get(env.CASES.idFromName(`${file} ${id}`)).fetch(request);
  },
};
