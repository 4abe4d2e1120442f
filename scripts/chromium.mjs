import { existsSync } from 'node:fs';

/** Flags that keep Chromium quiet and fast on a machine with no outside network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The Chromium to drive: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else
 * undefined (Playwright's own browser, if `npx playwright install chromium` was run).
 */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}

export const howToGetChromium = `No Chromium found. Do one of:
  - Debian/Ubuntu:  sudo apt-get install -y chromium      (gives /usr/bin/chromium)
  - any machine:    CHROMIUM_PATH=/path/to/chrome npm test
  - or:             npx playwright install chromium        (Playwright's own build)`;
