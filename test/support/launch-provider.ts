import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBrowserProvider } from '@vitest/browser';

/** How to start one browser on a URL, with a fresh profile directory of its own. */
export type Launcher = {
  name: 'firefox' | 'webkit';
  start(url: string, profileDir: string): Promise<ChildProcess[]>;
};

/**
 * A Vitest browser provider that opens the test page by starting the
 * browser's own binary on its URL: the page then connects back to Vitest
 * and runs the same test files as in Chromium. No driver is needed for
 * that (Firefox ESR and WebKitGTK's MiniBrowser come from Debian; their
 * drivers would need downloads), so the page cannot be clicked or reloaded
 * from outside: tests that need that live in test/e2e.
 */
export function launchProvider(launcher: Launcher) {
  return defineBrowserProvider({
    name: launcher.name,
    providerFactory: () => new LaunchProvider(launcher),
  });
}

class LaunchProvider {
  readonly name: string;
  readonly supportsParallelism = false;
  readonly #launcher: Launcher;
  #processes: ChildProcess[] = [];
  #profiles: string[] = [];

  constructor(launcher: Launcher) {
    this.#launcher = launcher;
    this.name = launcher.name;
  }

  getCommandsContext(): Record<string, unknown> {
    return {};
  }

  async openPage(_sessionId: string, url: string): Promise<void> {
    const profile = await mkdtemp(join(tmpdir(), `flowstore-${this.name}-`));
    this.#profiles.push(profile);
    this.#processes.push(...(await this.#launcher.start(url, profile)));
  }

  async close(): Promise<void> {
    for (const child of this.#processes.splice(0).reverse()) await stop(child);
    await Promise.all(this.#profiles.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** Ends a process and waits until it has gone. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Firefox ESR, headless, on a profile that never phones home (the machine has no outside network). */
export function firefox(executable: string, opts: { privateWindow?: boolean } = {}): Launcher {
  return {
    name: 'firefox',
    async start(url, profileDir) {
      await writeFile(join(profileDir, 'user.js'), FIREFOX_PREFS);
      const open = opts.privateWindow ? ['--private-window', url] : [url];
      return [spawn(executable, ['--headless', '--no-remote', '--profile', profileDir, ...open], { stdio: 'ignore' })];
    },
  };
}

const FIREFOX_PREFS = [
  'user_pref("browser.shell.checkDefaultBrowser", false);',
  'user_pref("browser.startup.homepage_override.mstone", "ignore");',
  'user_pref("app.update.enabled", false);',
  'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
  'user_pref("toolkit.telemetry.enabled", false);',
  'user_pref("network.captive-portal-service.enabled", false);',
  'user_pref("network.connectivity-service.enabled", false);',
  'user_pref("browser.safebrowsing.malware.enabled", false);',
  'user_pref("browser.safebrowsing.phishing.enabled", false);',
  'user_pref("extensions.update.enabled", false);',
  'user_pref("dom.disable_open_during_load", false);',
  '',
].join('\n');

/**
 * WebKitGTK's MiniBrowser in a virtual X display (it has no headless mode),
 * with its default features (what a WebKitGTK user gets) unless `features` says otherwise.
 */
export function webkit(executable: string, xvfb: string, opts: { features?: string } = {}): Launcher {
  return {
    name: 'webkit',
    async start(url, profileDir) {
      const display = await startXvfb(xvfb);
      const env = {
        ...process.env,
        DISPLAY: display.name,
        HOME: profileDir,
        XDG_DATA_HOME: join(profileDir, 'data'),
        XDG_CACHE_HOME: join(profileDir, 'cache'),
      };
      const args = opts.features ? [`--features=${opts.features}`, url] : [url];
      const browser = spawn(executable, args, { stdio: 'ignore', env });
      return [display.process, browser];
    },
  };
}

/** Starts Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide. */
async function startXvfb(xvfb: string): Promise<{ name: string; process: ChildProcess }> {
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.trim());
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it gave a display`)));
  });
  return { name: `:${number}`, process: child };
}
