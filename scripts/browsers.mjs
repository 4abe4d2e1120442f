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

const first = (...paths) => paths.find((p) => p && existsSync(p));

/**
 * The Chromium to drive: CHROMIUM_PATH, else Debian's /usr/bin/chromium, else
 * undefined (Playwright's own browser, if `npx playwright install chromium` was run).
 */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return first('/usr/bin/chromium');
}

/** Firefox: FIREFOX_PATH, else Debian's Firefox ESR. */
export function firefoxPath() {
  return process.env.FIREFOX_PATH || first('/usr/bin/firefox-esr', '/usr/bin/firefox');
}

/** WebKitGTK's MiniBrowser: WEBKIT_PATH, else Debian's (package webkit2gtk-driver brings it). */
export function webkitPath() {
  return (
    process.env.WEBKIT_PATH ||
    first('/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser')
  );
}

/** The virtual X server MiniBrowser runs in. */
export function xvfbPath() {
  return process.env.XVFB_PATH || first('/usr/bin/Xvfb');
}

export const howToGetChromium = `No Chromium found. Do one of:
  - Debian/Ubuntu:  sudo apt-get install -y chromium      (gives /usr/bin/chromium)
  - any machine:    CHROMIUM_PATH=/path/to/chrome npm test
  - or:             npx playwright install chromium        (Playwright's own build)`;

export const howToGetFirefox = `No Firefox found. Do one of:
  - Debian/Ubuntu:  sudo apt-get install -y firefox-esr   (gives /usr/bin/firefox-esr)
  - any machine:    FIREFOX_PATH=/path/to/firefox npm test`;

export const howToGetWebkit = `No WebKitGTK MiniBrowser (or no Xvfb) found. Do one of:
  - Debian/Ubuntu:  sudo apt-get install -y webkit2gtk-driver xvfb
  - any machine:    WEBKIT_PATH=/path/to/MiniBrowser XVFB_PATH=/path/to/Xvfb npm test`;
