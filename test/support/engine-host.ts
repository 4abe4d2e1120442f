import { createEngineHost, type EngineHost } from '../../src/engine/engine-host.js';
import type { StorageKind } from '../../src/shared/types.js';
import { uniqueName } from './backends.js';

/** An engine host opened in this thread, below the facade, as a worker would open it. */
export async function openHost(name = uniqueName('engine'), storage: StorageKind = 'memory'): Promise<EngineHost> {
  const host = createEngineHost();
  await host.open({ name, storage });
  return host;
}

/** The database image the host exports now. */
export async function exportImage(host: EngineHost): Promise<Uint8Array> {
  const reply = await host.exec([{ op: 'db.export', args: [] }]);
  const outcome = reply.outcomes[0]!;
  if (!outcome.ok) throw new Error(`export failed: ${outcome.error.message}`);
  return outcome.value as Uint8Array;
}
