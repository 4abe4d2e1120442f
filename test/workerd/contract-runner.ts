// Vitest's runner, expect and vi, set up to run the contract cases in workerd (see contract-worker.ts).
import { collectTests, startTests, type File, type Task, type VitestRunner, type VitestRunnerConfig } from '@vitest/runner';
// @ts-expect-error made by the bundler: each contract file's body as a function that registers its cases
import contractFiles from 'virtual:contract-files';
import type { DurableObjectStorageLike } from '../../src/index.js';
import { runInDurableObject } from '../support/durable-object-slot.js';

const files = contractFiles as Record<string, () => void>;

// What vi and expect read from Vitest's worker state (fake-timer defaults, snapshot options).
(globalThis as Record<string, unknown>).__vitest_worker__ = {
  config: { fakeTimers: { loopLimit: 10_000, shouldClearNativeTimers: true }, snapshotOptions: { expand: false }, expect: {} },
  providedContext: {},
  filepath: undefined,
};

const config: VitestRunnerConfig = {
  root: '/',
  setupFiles: [],
  name: 'workerd',
  passWithNoTests: false,
  testNamePattern: undefined,
  allowOnly: false,
  sequence: { seed: 0, hooks: 'stack', setupFiles: 'list' },
  chaiConfig: undefined,
  maxConcurrency: 1,
  testTimeout: 30_000,
  hookTimeout: 30_000,
  retry: 0,
  includeTaskLocation: false,
  tags: [],
  tagsFilter: undefined,
  strictTags: false,
};

const runner: VitestRunner = {
  config,
  importFile(filepath) {
    const register = files[filepath];
    if (!register) throw new Error(`no contract file ${filepath} in this bundle`);
    register();
  },
};

export type CaseInfo = { file: string; id: string; name: string };
export type CaseResult = { state: string; errors: string[] };

function cases(task: Task, file: string, out: CaseInfo[], names: string[] = []): CaseInfo[] {
  const path = task.type === 'suite' && 'filepath' in task ? [] : [...names, task.name];
  if (task.type === 'test') out.push({ file, id: task.id, name: path.join(' > ') });
  if ('tasks' in task) for (const t of task.tasks) cases(t, file, out, path);
  return out;
}

function find(task: Task, id: string): Task | undefined {
  if (task.id === id) return task;
  if ('tasks' in task)
    for (const t of task.tasks) {
      const found = find(t, id);
      if (found) return found;
    }
  return undefined;
}

function errorsOf(task: Task | undefined): string[] {
  return (task?.result?.errors ?? []).map((e) => `${e.name ?? 'Error'}: ${e.message}${e.stack ? `\n${e.stack}` : ''}`);
}

/** Errors of a task and of everything below it (a describe's afterAll reports on the describe). */
function allErrors(task: Task): string[] {
  return [...errorsOf(task), ...('tasks' in task ? task.tasks.flatMap(allErrors) : [])];
}

/** Every contract case, by file (collecting runs each file's body, opening nothing). */
export async function listCases(): Promise<{ cases: CaseInfo[]; errors: string[] }> {
  const collected = (await collectTests(Object.keys(files), runner)) as File[];
  const errors = collected.flatMap((f) => errorsOf(f).map((e) => `${f.filepath}: ${e}`));
  return { cases: collected.flatMap((f) => cases(f, f.filepath, [])), errors };
}

/** Runs one case (with its hooks) with `storage` as the database of every store it opens. */
export async function runCase(storage: DurableObjectStorageLike, file: string, id: string): Promise<CaseResult> {
  runInDurableObject(storage);
  const [result] = (await startTests([{ filepath: file, testIds: [id] }], runner)) as File[];
  const test = result && find(result, id);
  // Only this case ran: a failing hook around it (or the file's collection) fails it too.
  return { state: test?.result?.state ?? 'not run', errors: result ? allErrors(result) : ['the file did not run'] };
}
