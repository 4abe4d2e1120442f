import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Where the fixtures are built. It is inside the repository on purpose: the
 * fixtures' own dependencies (the bundlers, comlink, sqlite-wasm) resolve from the
 * repository's node_modules, installed by `npm ci`, so nothing is downloaded here.
 */
export const workDir = `${repoRoot}test/package/.work/`;

/**
 * `npm pack`s the repository (dist/ must be built) and unpacks the tarball as
 * `.work/node_modules/flowstore`, the one install every fixture shares: exactly
 * the files a user gets from the registry. FLOWSTORE_TARBALL packs nothing and
 * unpacks that tarball instead (to measure another version).
 */
export function packAndUnpack(): string {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(`${workDir}node_modules/flowstore`, { recursive: true });
  let tarball = process.env.FLOWSTORE_TARBALL;
  if (!tarball) {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: repoRoot, encoding: 'utf8' });
    tarball = `${workDir}${(JSON.parse(out) as { filename: string }[])[0]!.filename}`;
  }
  execFileSync('tar', ['-xzf', tarball, '-C', `${workDir}node_modules/flowstore`, '--strip-components', '1']);
  return tarball;
}
