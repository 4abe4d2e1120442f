import { deleteStore, openStore, type Store } from '../src/index.js';
import { current, rotated, sampleValue, time } from './context.js';

/** Sizes of the two IndexedDB-fallback databases of scenario 11. */
export const SMALL_MB = 1;
export const LARGE_MB = 50;

let stores: { small: Store; large: Store; names: string[] } | undefined;

/** `chars` hex digits of noise: IndexedDB compresses what it stores, and noise does not compress. */
function noise(chars: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(chars / 2)));
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out.slice(0, chars);
}

/** Fills `store` with about `mb` MB of outputs that do not compress, 5 MB per commit. */
async function fill(store: Store, mb: number): Promise<void> {
  const valueChars = 100_000;
  const values = Math.ceil((mb * 1_000_000) / valueChars);
  for (let done = 0; done < values; done += 50) {
    const count = Math.min(50, values - done);
    await Promise.all(Array.from({ length: count }, (_, i) => store.outputs.put('fill', `v${done + i}`, noise(valueChars))));
  }
}

/** (12) Opens two IndexedDB-fallback databases (workers of their own) and fills them to 1 MB and 50 MB. */
export async function prepareFallback(): Promise<Record<string, number>> {
  const { prefix } = current();
  const names = [`bench-idb-small-${prefix}`, `bench-idb-large-${prefix}`];
  const [small, large] = await Promise.all(names.map((name) => openStore({ name, storage: 'idb' })));
  stores = { small: small!, large: large!, names };
  await fill(stores.small, SMALL_MB);
  await fill(stores.large, LARGE_MB);
  const bytes = async (s: Store) =>
    Number((await s.inspect('SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size'))[0]?.n);
  const mb = async (s: Store) => Math.round((await bytes(s)) / 1e5) / 10;
  return { 'idb.size.1mb': await mb(stores.small), 'idb.size.50mb': await mb(stores.large) };
}

/** (12) `n` awaited small `outputs.put` on the 1 MB and on the 50 MB IndexedDB-fallback database. */
export async function fallbackWrites(rep: number, n: number): Promise<Record<string, number>> {
  if (!stores) throw new Error('prepareFallback() first');
  const { small, large } = stores;
  const out: Record<string, number> = {};
  await rotated(rep, [
    async () => {
      out['idb.put.1mb'] = await time(async () => {
        for (let i = 0; i < n; i++) await small.outputs.put(`w${rep}`, `n${i}`, sampleValue(i));
      });
    },
    async () => {
      out['idb.put.50mb'] = await time(async () => {
        for (let i = 0; i < n; i++) await large.outputs.put(`w${rep}`, `n${i}`, sampleValue(i));
      });
    },
  ]);
  return out;
}

/** Closes and deletes scenario 11's databases (50 MB the profile need not keep). */
export async function closeFallback(): Promise<Record<string, number>> {
  if (!stores) return {};
  const { small, large, names } = stores;
  stores = undefined;
  await Promise.all([small.close(), large.close()]);
  await Promise.all(names.map((name) => deleteStore(name)));
  return {};
}
