import { DumpError } from '../../shared/errors.js';
import type { BatchReply, Call } from '../../shared/protocol.js';
import type { StoredDump } from '../../shared/table-dump.js';
import type { Engine } from '../engine.js';
import type { PendingDump } from './dump-sql.js';
import type { DumpDir } from './dump-dir.js';
import { handleDir } from './handle-dir.js';
import { fileSystemDirectory, loadDumpHandle, saveDumpHandle } from '../../shared/dump-handles.js';
import { fileName, renderRow } from './markdown.js';

/** Rows read per round of a reconcile, and files written at once. */
const PAGE = 256;
const PARALLEL = 8;

/** What the writer needs from its host. */
export type DumpEnv = {
  dbName: string;
  /** Opens a directory path: OPFS in a browser, a real directory on a server; undefined where there is neither. */
  openPath?: (path: string) => Promise<DumpDir>;
  report: (err: DumpError) => void;
};

/**
 * Writes the Markdown files of dumped tables, in the engine host, after each
 * commit and before the batch's callers are answered. Batches run one at a
 * time, so the files of a row are written in commit order, each with the row
 * as that commit left it: the last file written holds the last committed
 * version. What could not be written stays marked in the database and is
 * written by {@link reconcileAll} when the store is next opened.
 */
export class DumpWriter {
  readonly #engine: Engine;
  readonly #env: DumpEnv;
  #dumps: Map<string, StoredDump>;
  readonly #dirs = new Map<string, Promise<DumpDir>>();

  constructor(engine: Engine, env: DumpEnv) {
    this.#engine = engine;
    this.#env = env;
    this.#dumps = engine.dumps();
  }

  /** Whether a batch may need files written: some table has a dump, or the batch may give one a dump. */
  needed(calls: readonly Call[]): boolean {
    return this.#dumps.size > 0 || calls.some((c) => isDumpOpen(c) || c.op === 'db.import');
  }

  /** Writes the files of the rows a committed batch changed; a table opened with a dump is reconciled whole. */
  async afterBatch(calls: readonly Call[], reply: BatchReply): Promise<void> {
    if (calls.some((call, i) => call.op === 'db.import' && reply.outcomes[i]?.ok)) {
      // Another database now: its dumps, and every file of them marked to be written again.
      this.#dumps = this.#engine.dumps();
      this.#dirs.clear();
      return this.reconcileAll();
    }
    const reconciled = new Set<string>();
    for (const [i, call] of calls.entries()) {
      if (!reply.outcomes[i]?.ok) continue;
      const name = call.args[0] as string;
      if (isDumpOpen(call)) await this.#opened(name, (call.args[2] as { dir: unknown }).dir);
      else if (call.op === 'tables.dumpReconcile')
        this.#dirs.delete(name); // permission may be back: look again
      else continue;
      reconciled.add(name);
    }
    const touched = new Map<string, Set<string>>();
    for (const change of reply.changes) {
      if (change.module !== 'table' || change.alias !== undefined || !this.#dumps.has(change.key) || reconciled.has(change.key)) continue;
      const changed = change.id !== undefined ? [change.id] : change.ids;
      if (changed === undefined) {
        // Too many rows for the notice to name them (see row-notices.ts): every file behind is written.
        reconciled.add(change.key);
        continue;
      }
      let ids = touched.get(change.key);
      if (!ids) touched.set(change.key, (ids = new Set()));
      for (const id of changed) ids.add(id);
    }
    for (const [name, ids] of touched) await this.#write(name, this.#engine.pendingDumps(name, 0, ids.size, [...ids]));
    for (const name of reconciled) await this.reconcile(name);
  }

  /** Brings every dumped table's files up to date (at open: files behind after a crash or a failed write). */
  async reconcileAll(): Promise<void> {
    for (const name of this.#dumps.keys()) await this.reconcile(name);
  }

  /** Writes every file of table `name` that is behind, a page of rows at a time. */
  async reconcile(name: string): Promise<void> {
    for (let after = 0; ;) {
      const page = this.#engine.pendingDumps(name, after, PAGE);
      if (page.length === 0) return;
      await this.#write(name, page);
      after = page[page.length - 1]!.seq;
    }
  }

  /** A table was opened with a dump: take its new settings, and keep a directory handle for later opens. */
  async #opened(name: string, given: unknown): Promise<void> {
    this.#dumps = this.#engine.dumps();
    this.#dirs.delete(name);
    const dir = fileSystemDirectory(given);
    if (!dir) return;
    this.#dirs.set(name, Promise.resolve(handleDir(dir, `folder ${dir.name}`)));
    try {
      const kept = await loadDumpHandle(this.#env.dbName, name);
      // Another folder under the same settings: every file goes there.
      if (kept && !(await kept.isSameEntry(dir))) this.#engine.markAllDumps(name);
      if (!kept || !(await kept.isSameEntry(dir))) await saveDumpHandle(this.#env.dbName, name, dir);
    } catch (err) {
      this.#env.report(
        new DumpError(
          `The folder of table ${name}'s Markdown files could not be kept in IndexedDB (${describeCause(err)}); files are written to it while this store is open, but after a reload open the table with it again.`,
          name,
          [],
          { cause: err },
        ),
      );
    }
  }

  async #write(name: string, pending: PendingDump[]): Promise<void> {
    if (pending.length === 0) return;
    const dump = this.#dumps.get(name);
    if (!dump) {
      this.#engine.dumpWritten(pending.map((p) => p.seq));
      return;
    }
    let dir: DumpDir;
    try {
      dir = await this.#dir(name, dump);
      await dir.ready();
    } catch (err) {
      this.#dirs.delete(name);
      this.#fail(name, dump.dir ?? 'its folder', pending, err);
      return;
    }
    // Rows whose file was written or removed, and rows that needed nothing (a deletion whose file is kept).
    const filed: PendingDump[] = [];
    const kept: number[] = [];
    const failed: PendingDump[] = [];
    let cause: unknown;
    for (let i = 0; i < pending.length; i += PARALLEL) {
      await Promise.all(
        pending.slice(i, i + PARALLEL).map(async (p) => {
          try {
            if (p.row) await dir.write(fileName(p.id), renderRow(p.row, dump));
            else if (dump.onDelete === 'remove') await dir.remove(fileName(p.id));
            else {
              kept.push(p.seq);
              return;
            }
            filed.push(p);
          } catch (err) {
            failed.push(p);
            cause ??= err;
          }
        }),
      );
    }
    if (failed.length > 0) this.#fail(name, dir.label, failed, cause);
    let written = filed;
    if (filed.length > 0 && dir.flush) {
      try {
        await dir.flush();
      } catch (err) {
        // Not known to be durable: their marks stay, and the next open writes them again.
        this.#fail(name, dir.label, filed, err);
        written = [];
      }
    }
    this.#engine.dumpWritten([...kept, ...written.map((p) => p.seq)]);
  }

  #dir(name: string, dump: StoredDump): Promise<DumpDir> {
    let dir = this.#dirs.get(name);
    if (!dir) {
      dir = this.#openDir(name, dump);
      this.#dirs.set(name, dir);
    }
    return dir;
  }

  async #openDir(name: string, dump: StoredDump): Promise<DumpDir> {
    if (dump.dir !== null) {
      if (!this.#env.openPath) throw new Error('this runtime has no file system to write a directory path to');
      return this.#env.openPath(dump.dir);
    }
    const handle = await loadDumpHandle(this.#env.dbName, name);
    if (!handle)
      throw new Error('its folder handle is not in IndexedDB any more (site data cleared?); open the table with the folder again');
    return handleDir(handle, `folder ${handle.name}`);
  }

  #fail(name: string, where: string, failed: PendingDump[], cause: unknown): void {
    const ids = failed.map((p) => p.id);
    this.#env.report(
      new DumpError(
        `The Markdown file${ids.length === 1 ? '' : 's'} of ${ids.length} row${ids.length === 1 ? '' : 's'} of table ${name} could not be written to ${where} (${describeCause(cause)}). The rows are committed; their files are brought up to date when the store is next opened, or the table is opened again with its dump.`,
        name,
        ids,
        { cause },
      ),
    );
  }
}

function isDumpOpen(call: Call): boolean {
  return call.op === 'tables.open' && call.args[2] !== undefined;
}

function describeCause(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
