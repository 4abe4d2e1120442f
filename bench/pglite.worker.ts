// PGlite's own worker (its documented way to run in a browser worker), on its
// OPFS access-handle-pool storage: the storage it offers on OPFS, which is
// where flowstore's rows live too. Bench only: no library bundle imports PGlite.
import { PGlite } from '@electric-sql/pglite';
import { worker } from '@electric-sql/pglite/worker';

void worker({
  init: (options) => PGlite.create({ dataDir: options.dataDir }),
});
