// The contract suite (test/contract) inside workerd: each case runs in a Durable Object
// of its own through miniflare, with Vitest's runner bundled into the Worker
// (test/workerd/contract-worker.ts). One Vitest case here per contract case.
import { Miniflare } from 'miniflare';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../workerd/bundle.js';
import type { CaseInfo, CaseResult } from '../workerd/contract-runner.js';

const modules = await bundleWorker(new URL('../workerd/contract-worker.ts', import.meta.url).pathname);
const mf = new Miniflare({
  modules,
  compatibilityDate: '2026-07-01',
  durableObjects: { CASES: { className: 'ContractCase', useSQLite: true } },
});
afterAll(() => mf.dispose());

const listing = await (await mf.dispatchFetch('http://contract/list', { method: 'POST' })).text();
const listed = JSON.parse(listing.startsWith('{') ? listing : JSON.stringify({ cases: [], errors: [listing] })) as {
  cases: CaseInfo[];
  errors: string[];
};

it('collects every contract file in workerd', () => {
  expect(listed.errors).toEqual([]);
  expect(new Set(listed.cases.map((c) => c.file)).size).toBeGreaterThan(10);
});

const byFile = new Map<string, CaseInfo[]>();
for (const c of listed.cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
// One Durable Object is one database, and a case runs in one object: these cases open two
// databases at once. They run to show that this, and nothing else, stops them (README, Runtimes).
const twoDatabases = [
  "globals ('workerd Durable Object') > keeps two stores of different databases apart",
  "tables: aliases ('workerd Durable Object') > scopes aliases to their table, in one database and across databases",
];

it('finds the cases that need two databases among the contract cases', () => {
  expect(listed.cases.filter((c) => twoDatabases.includes(c.name)).map((c) => c.name)).toEqual(twoDatabases);
});

for (const [file, cases] of byFile) {
  describe(`${file} in a Durable Object (workerd)`, () => {
    for (const { id, name } of cases) {
      if (!twoDatabases.includes(name)) it(name, async () => expect(await runCase(file, id)).toEqual({ state: 'pass', errors: [] }));
      else
        it(`${name}: refused, it needs two databases`, async () => {
          const { state, errors } = await runCase(file, id);
          expect(state).toBe('fail');
          expect(errors.join('\n')).toMatch(/opens two databases/);
        });
    }
  });
}

async function runCase(file: string, id: string): Promise<CaseResult> {
  const response = await mf.dispatchFetch('http://contract/run', { method: 'POST', body: JSON.stringify({ file, id }) });
  return (await response.json()) as CaseResult;
}
