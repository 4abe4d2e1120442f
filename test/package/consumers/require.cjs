// CommonJS: require('flowstore') on Node >= 20.19, which loads ES modules through require().
const { openStore, ValidationError } = require('flowstore');

openStore({ name: 'app', path: process.argv[2] }).then(async (store) => {
  const runs = (await store.globals.get('runs')) ?? 0;
  await store.globals.upsert('runs', runs + 1);
  console.log(`${store.storage} ${runs} ${typeof ValidationError}`);
  await store.close();
});
