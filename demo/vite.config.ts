import { defineConfig } from 'vite';

// No COOP/COEP headers on purpose: flowstore's OPFS VFS (opfs-sahpool) needs no
// SharedArrayBuffer, and the demo proves it.
export default defineConfig({
  // Its own dependency cache, so the demo never re-optimizes under a running test server.
  cacheDir: '../node_modules/.vite/demo',
  optimizeDeps: {
    exclude: ['@sqlite.org/sqlite-wasm'],
    include: ['comlink', 'idb-keyval'],
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022' },
});
