// The few Cloudflare Workers types the workerd test bundles use (the full @cloudflare/workers-types clash with the DOM lib).
declare module 'cloudflare:workers' {
  import type { DurableObjectStorageLike } from '../../src/index.js';

  export type DurableObjectState = {
    storage: DurableObjectStorageLike & {
      sync(): Promise<void>;
      deleteAll(): Promise<void>;
      put(key: string, value: unknown): Promise<void>;
      get(key: string): Promise<unknown>;
    };
  };

  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
    fetch(request: Request): Promise<Response>;
  }
}

type DurableObjectStub = { fetch(request: Request | string, init?: RequestInit): Promise<Response> };
type DurableObjectNamespace = { idFromName(name: string): unknown; get(id: unknown): DurableObjectStub };
