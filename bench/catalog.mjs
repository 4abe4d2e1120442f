// What the bench measures and how its figures compare: one place to read the whole benchmark.

/** Sequential/concurrent calls per figure in scenarios 1–3 and 8. */
export const N = 1000;
/** Rows and frames per figure in scenarios 6 and 7. */
export const BIG_N = 10_000;
/** Rows the filtered list of scenario 6 scans. */
export const TABLE_ROWS = 100_000;

/** Every figure: its scenario, its label, and how many operations it covers (for the per-op column). */
export const metrics = {
  'put.seq': { s: 1, label: '1,000 awaited `outputs.put`', ops: N },
  'idb.set.seq': { s: 1, label: '1,000 awaited idb-keyval `set`', ops: N },
  'idb.set.seq.strict': { s: 1, label: "1,000 awaited idb-keyval `set`, durability 'strict' (info)", ops: N },
  'raw.seq': { s: 1, label: 'raw SQLite worker, 1,000 awaited one-row transactions (info)', ops: N },
  'put.concurrent': { s: 2, label: '1,000 concurrent `outputs.put` (one `Promise.all`)', ops: N },
  'idb.setMany': { s: 2, label: 'idb-keyval `setMany` of 1,000', ops: N },
  'raw.tx': { s: 2, label: 'raw SQLite worker, 1,000 rows in one transaction (floor)', ops: N },
  'raw.tx.inWorker': { s: 2, label: '… of which inside the worker', ops: N },
  'get.seq': { s: 3, label: '1,000 awaited `outputs.get`', ops: N },
  'comlink.rt': { s: 3, label: '1,000 bare comlink round trips', ops: N },
  'idb.get.seq': { s: 3, label: '1,000 awaited idb-keyval `get`', ops: N },
  wake: { s: 4, label: 'append in A → `tail` resolves in B', trials: true },
  'wake.commit': { s: 4, label: '… of which until the append resolved in A (info)', trials: true },
  'wake.afterCommit': { s: 4, label: '… from the append resolving in A to the tail resolving in B (info)', trials: true },
  'bc.rt': { s: 4, label: 'bare BroadcastChannel round trip, worker ↔ worker', trials: true },
  'cold.reopen': { s: 5, label: 'cold open, existing db: `openStore` → first query resolved' },
  'bare.reopen': { s: 5, label: 'bare worker, existing db: start + sqlite-wasm init + sahpool + open' },
  'bare.reopen.init': { s: 5, label: '… of which `sqlite3InitModule`' },
  'bare.reopen.pool': { s: 5, label: '… of which `installOpfsSAHPoolVfs`' },
  'bare.reopen.open': { s: 5, label: '… of which open + pragmas + first query' },
  'dexie.reopen': { s: 5, label: 'Dexie, existing db: `new Dexie` + `version().stores()` → first `get` resolved' },
  'nav.flowstore': { s: 5, label: 'navigation → first `outputs.get` resolved, existing db' },
  'nav.dexie': { s: 5, label: 'Dexie: navigation → first `get` resolved, existing db' },
  'cold.first': { s: 5, label: 'cold open, new db (creates schema)' },
  'bare.first': { s: 5, label: 'bare worker, new db' },
  'dexie.first': { s: 5, label: 'Dexie, new db' },
  'table.fill': { s: 6, label: 'fill 100,000 rows (10 × 10,000 concurrent `create`; once)', ops: TABLE_ROWS },
  'table.create.concurrent': { s: 6, label: '10,000 concurrent `create`', ops: BIG_N },
  'table.list.noindex': { s: 6, label: '`list` with a filter over 100,000 rows, no index (100 hits)' },
  'table.list.index': { s: 6, label: '`list` with a filter over 100,000 rows, indexed field (100 hits)' },
  'table.update.concurrent': { s: 6, label: '10,000 concurrent `update` (merge)', ops: BIG_N },
  'table.delete.concurrent': { s: 6, label: '10,000 concurrent `delete`', ops: BIG_N },
  'stream.append.concurrent': { s: 7, label: '10,000 concurrent `streams.append`', ops: BIG_N },
  'stream.follow.catchup': { s: 7, label: '`follow` 10,000 frames from the start (other instance)', ops: BIG_N },
  'get.local': { s: 8, label: '1,000 awaited `outputs.get`, leader (local)', ops: N },
  'get.forwarded': { s: 8, label: '1,000 awaited `outputs.get`, follower (forwarded)', ops: N },
  'live.wake': { s: 9, label: 'create in A → live `count` updated in B (follower)', trials: true },
  'live.wake.commit': { s: 9, label: '… of which until the create resolved in A (durable commit) (info)', trials: true },
  'live.dexie.wake': { s: 9, label: 'Dexie: `add` in A → `liveQuery` `count` updated in B', trials: true },
  'live.dexie.wake.commit': { s: 9, label: '… of which until the add resolved in A (relaxed durability) (info)', trials: true },
  'live.bc.rt': { s: 9, label: 'bare BroadcastChannel round trip, worker ↔ worker', trials: true },
  'live.burst': { s: 9, label: '10,000 concurrent `create` in A → B shows 10,000 (once)' },
  'live.burst.runs': { s: 9, label: '… runs of B’s live query for it', count: true },
  'live.dexie.burst': { s: 9, label: 'Dexie: 10,000 concurrent `add` in A → B shows 10,000 (once)' },
  'live.dexie.burst.runs': { s: 9, label: '… runs of B’s `liveQuery` for it', count: true },
  'dexie.put.seq': { s: 10, label: 'Dexie: 1,000 awaited `put` (default durability)', ops: N },
  'dexie.put.seq.strict': { s: 10, label: "Dexie: 1,000 awaited `put`, chromeTransactionDurability 'strict' (info)", ops: N },
  'dexie.put.concurrent': { s: 10, label: 'Dexie: 1,000 concurrent `put`', ops: N },
  'dexie.bulkPut': { s: 10, label: 'Dexie: `bulkPut` of 1,000', ops: N },
  'dexie.get.seq': { s: 10, label: 'Dexie: 1,000 awaited `get`', ops: N },
  'get.seq.side': { s: 10, label: '1,000 awaited `outputs.get` (beside Dexie)', ops: N },
  'table.batch': { s: 10, label: '`table.batch` of 10,000 creates, indexed field', ops: BIG_N },
  'table.create.concurrent.side': { s: 10, label: '10,000 concurrent `create`, indexed field', ops: BIG_N },
  'dexie.bulkAdd': { s: 10, label: 'Dexie: `bulkAdd` of 10,000, indexed field', ops: BIG_N },
  'table.list.index.side': { s: 10, label: '`list` on the indexed field over those 10,000 (10 hits)' },
  'dexie.where.index': { s: 10, label: 'Dexie: `where(key).equals()` over those 10,000 (10 hits)' },
};

/**
 * The comparisons, each of two medians from the same run. `target` is the
 * issue's goal (absent = for information); `abs` compares one median in ms.
 */
export const comparisons = [
  { s: 1, label: 'awaited put ÷ awaited idb-keyval set', a: 'put.seq', b: 'idb.set.seq', max: 1.0 },
  { s: 1, label: 'awaited put ÷ awaited idb-keyval set (strict)', a: 'put.seq', b: 'idb.set.seq.strict' },
  { s: 1, label: 'awaited put ÷ raw awaited one-row transaction', a: 'put.seq', b: 'raw.seq', max: 1.15 },
  { s: 2, label: '1,000 awaited idb-keyval set ÷ group commit', a: 'idb.set.seq', b: 'put.concurrent', min: 50 },
  { s: 2, label: 'idb-keyval setMany ÷ group commit', a: 'idb.setMany', b: 'put.concurrent', min: 2 },
  { s: 2, label: 'group commit ÷ raw one-transaction floor', a: 'put.concurrent', b: 'raw.tx', max: 1.5 },
  { s: 3, label: 'outputs.get ÷ bare comlink round trip', a: 'get.seq', b: 'comlink.rt', max: 1.3 },
  { s: 3, label: 'outputs.get ÷ idb-keyval get', a: 'get.seq', b: 'idb.get.seq', max: 1.0, strict: true },
  { s: 4, label: 'cross-instance wake, median (ms)', abs: 'wake', max: 2 },
  { s: 4, label: 'cross-instance wake ÷ bare BroadcastChannel round trip', a: 'wake', b: 'bc.rt' },
  { s: 5, label: 'cold open ÷ bare init (existing db)', a: 'cold.reopen', b: 'bare.reopen', max: 1.5 },
  { s: 5, label: 'cold open ÷ bare init (new db)', a: 'cold.first', b: 'bare.first' },
  { s: 5, label: 'navigation → first read ÷ Dexie’s (existing db)', a: 'nav.flowstore', b: 'nav.dexie', max: 1.0 },
  { s: 5, label: 'cold open ÷ Dexie open in a page that used it before (existing db)', a: 'cold.reopen', b: 'dexie.reopen' },
  { s: 5, label: 'cold open ÷ Dexie open (new db)', a: 'cold.first', b: 'dexie.first' },
  { s: 6, label: 'filtered list, no index ÷ indexed', a: 'table.list.noindex', b: 'table.list.index' },
  { s: 8, label: 'forwarded get ÷ local get', a: 'get.forwarded', b: 'get.local' },
  { s: 9, label: 'live update in B ÷ Dexie liveQuery update', a: 'live.wake', b: 'live.dexie.wake', max: 0.7 },
  { s: 9, label: 'live update in B ÷ bare BroadcastChannel round trip', a: 'live.wake', b: 'live.bc.rt' },
  { s: 9, label: '10,000-write burst seen in B ÷ Dexie', a: 'live.burst', b: 'live.dexie.burst' },
  { s: 9, label: 'runs for the burst ÷ Dexie’s', a: 'live.burst.runs', b: 'live.dexie.burst.runs' },
  { s: 10, label: 'awaited put ÷ Dexie awaited put', a: 'put.seq', b: 'dexie.put.seq' },
  { s: 10, label: "awaited put ÷ Dexie awaited put, 'strict'", a: 'put.seq', b: 'dexie.put.seq.strict' },
  { s: 10, label: 'group commit ÷ Dexie concurrent put', a: 'put.concurrent', b: 'dexie.put.concurrent' },
  { s: 10, label: 'group commit ÷ Dexie bulkPut', a: 'put.concurrent', b: 'dexie.bulkPut' },
  { s: 10, label: 'outputs.get ÷ Dexie get', a: 'get.seq.side', b: 'dexie.get.seq' },
  { s: 10, label: 'table.batch ÷ Dexie bulkAdd', a: 'table.batch', b: 'dexie.bulkAdd' },
  { s: 10, label: '10,000 concurrent create ÷ table.batch', a: 'table.create.concurrent.side', b: 'table.batch', max: 1.2 },
  { s: 10, label: 'indexed list ÷ Dexie where().equals()', a: 'table.list.index.side', b: 'dexie.where.index' },
];

/** Scenario titles, for headings and n/a notes. */
export const scenarios = {
  1: 'sequential durable writes',
  2: 'group commit',
  3: 'point reads',
  4: 'cross-instance wake',
  5: 'cold open',
  6: 'tables',
  7: 'streams',
  8: 'forwarded (follower) call',
  9: 'live queries',
  10: 'beside Dexie 4.4.7',
};
