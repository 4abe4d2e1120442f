// `npm test`: finds each browser (or says how to get it), then runs every Vitest project.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath, firefoxPath, howToGetChromium, howToGetFirefox, howToGetWebkit, webkitPath, xvfbPath } from './browsers.mjs';

async function hasChromium() {
  if (chromiumPath() !== undefined) return true;
  const { chromium } = await import('playwright');
  try {
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

const missing = [];
if (!(await hasChromium())) missing.push(howToGetChromium);
if (!firefoxPath()) missing.push(howToGetFirefox);
if (!webkitPath() || !xvfbPath()) missing.push(howToGetWebkit);
if (missing.length > 0) {
  console.error(`npm test runs the browser tests in Chromium, Firefox and WebKit.\n\n${missing.join('\n\n')}`);
  process.exit(1);
}
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
