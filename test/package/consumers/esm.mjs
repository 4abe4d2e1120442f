// A Node script as the README shows it: `node esm.mjs <file>` twice prints 0, then 1.
import { openStore } from 'flowstore';

const store = await openStore({ name: 'app', path: process.argv[2] });
const runs = (await store.globals.get('runs')) ?? 0;
await store.globals.upsert('runs', runs + 1);
console.log(`${store.storage} ${runs}`);
await store.close();
