// The smallest page that uses flowstore: `vite build` of it measures what a page downloads.
import { openStore } from '../../src/index.js';

try {
  const store = await openStore({ name: 'app' });
  await store.outputs.get('run', 'node');
  document.title = 'ready';
} catch (err) {
  document.title = `failed: ${String(err)}`;
}
