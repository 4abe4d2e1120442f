/**
 * Nested transactions in SQL text, for the drivers whose SQLite takes
 * BEGIN and SAVEPOINT (all but Durable Objects): the outermost call is a
 * transaction, inner ones are savepoints, and a throw undoes only its own level.
 */
export class SqlTransactions {
  readonly #run: (sql: string) => void;
  #depth = 0;

  constructor(run: (sql: string) => void) {
    this.#run = run;
  }

  run<T>(fn: () => T): T {
    const outer = this.#depth === 0;
    this.#run(outer ? 'BEGIN' : 'SAVEPOINT nested');
    this.#depth++;
    try {
      const result = fn();
      this.#run(outer ? 'COMMIT' : 'RELEASE nested');
      return result;
    } catch (err) {
      if (outer) {
        try {
          this.#run('ROLLBACK');
        } catch {
          // SQLite may already have rolled back on its own after an I/O error.
        }
      } else {
        // Throws if SQLite already rolled the whole transaction back (I/O error, full disk): the outer one fails then.
        this.#run('ROLLBACK TO nested');
        this.#run('RELEASE nested');
      }
      throw err;
    } finally {
      this.#depth--;
    }
  }
}
