// `npm test`: finds Chromium (or says how to get it), then runs every Vitest project.
import { spawnSync } from 'node:child_process';
import { chromiumPath, howToGetChromium } from './chromium.mjs';

const path = chromiumPath();
if (path === undefined) {
  const { chromium } = await import('playwright');
  let own;
  try {
    own = chromium.executablePath();
  } catch {
    own = undefined;
  }
  const { existsSync } = await import('node:fs');
  if (!own || !existsSync(own)) {
    console.error(howToGetChromium);
    process.exit(1);
  }
}
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
