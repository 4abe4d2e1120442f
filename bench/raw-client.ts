/** The page side of raw-sqlite.worker.ts: one request, one reply, no library in between. */
export class RawSqlite {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: Record<string, number>) => void; reject: (e: Error) => void }>();
  #next = 1;

  constructor() {
    this.#worker = new Worker(new URL('./raw-sqlite.worker.ts', import.meta.url), { type: 'module' });
    this.#worker.onmessage = (event: MessageEvent<{ id: number; ok: boolean; result?: Record<string, number>; error?: string }>) => {
      const { id, ok, result, error } = event.data;
      const p = this.#pending.get(id);
      this.#pending.delete(id);
      if (ok) p?.resolve(result ?? {});
      else p?.reject(new Error(`raw sqlite worker: ${error}`));
    };
  }

  #request(msg: Record<string, unknown>): Promise<Record<string, number>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...msg, id });
    });
  }

  /** Inits sqlite-wasm, installs a sahpool in `dir` and opens a database; resolves with the phase times (ms). */
  open(dir: string): Promise<Record<string, number>> {
    return this.#request({ type: 'open', dir });
  }

  /** Inserts `rows` in one transaction; resolves with the time spent inside the worker (ms). */
  insert(rows: [string, string, unknown][]): Promise<Record<string, number>> {
    return this.#request({ type: 'insert', rows });
  }

  /** Closes the database, frees the pool's access handles and ends the worker. */
  async close(): Promise<void> {
    await this.#request({ type: 'close' });
    this.#worker.terminate();
  }
}
