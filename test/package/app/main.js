// The fixture page: what a new user writes first. It opens the store, reads the
// visit count, writes it back plus one, and reports both for the test to check.
import { openStore } from 'flowstore';

async function visit() {
  // The test's one knob: a page that serves the worker from elsewhere passes its URL.
  const workerUrl = new URLSearchParams(location.search).get('workerUrl');
  const store = await openStore({ name: 'fixture', ...(workerUrl && { workerUrl }) });
  const before = await store.globals.get('visits');
  await store.globals.upsert('visits', (before ?? 0) + 1);
  return { storage: store.storage, before: before ?? null };
}

visit().then(
  (result) => (globalThis.__fixture = result),
  (err) => (globalThis.__fixture = { error: `${err.name}: ${err.message}` }),
);
