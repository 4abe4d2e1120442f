import { expose } from 'comlink';

// An app's own comlink worker, knowing nothing of flowstore.
expose({
  fail(): never {
    throw new Error('boom');
  },
  double: (n: number) => n * 2,
});
