import { openStore, type Role, type Store } from '../../../src/index.js';

/** One write the page made and how it ended (times are epoch ms, comparable across pages). */
export type WriteRecord = {
  kind: 'output' | 'frame';
  i: number;
  startedAt: number;
  settledAt?: number;
  state: 'pending' | 'resolved' | 'rejected';
  /** The seq an append resolved with. */
  seq?: number;
  error?: string;
};

/** A frame as a follow loop saw it. */
export type SeenFrame = { seq: number; page: string; i: number };

/** What the page reports back to the test. */
export type PageReport = {
  role: Role;
  roleChanges: { role: Role; at: number }[];
  writes: WriteRecord[];
  writesDone: boolean;
  follow: { frames: SeenFrame[]; done: boolean; error?: string };
};

/** The functions the multi-tab test calls through page.evaluate. */
export type MultitabApi = {
  open(db: string): Promise<Role>;
  startFollow(stream: string): void;
  /**
   * Writes `count` outputs and `count` frames, `width` pairs at a time. At
   * each index in `gates` the writing stops until {@link MultitabApi.release}.
   */
  startWrites(run: string, stream: string, page: string, count: number, width: number, gates: number[]): void;
  /** Opens the next gate of startWrites. */
  release(): void;
  /** How many writes have settled so far. */
  settled(): number;
  report(): PageReport;
  keys(run: string): Promise<string[]>;
  frames(stream: string): Promise<SeenFrame[]>;
  closeStream(stream: string): Promise<void>;
  /** Starts one output write; {@link MultitabApi.outcome} awaits it. */
  startPut(run: string, node: string): void;
  /** 'ok', or the error the write started by startPut rejected with. */
  outcome(node: string): Promise<string>;
  /**
   * Fires the page lifecycle event. Headless Chromium never fires freeze or
   * resume (CDP's Page.setWebLifecycleState stops the page without them), so
   * the test fires the event the browser would fire, then freezes the page over CDP.
   */
  lifecycle(event: 'freeze' | 'resume'): void;
  integrity(): Promise<unknown[]>;
};

declare global {
  interface Window {
    mt: MultitabApi;
    /** Exposed by the test on the page it will close: each resolved write, reported as it settles. */
    reportResolved?: (kind: WriteRecord['kind'], i: number, seq: number | undefined) => Promise<void>;
  }
}

let store: Store | undefined;
const puts = new Map<string, Promise<string>>();
const roleChanges: PageReport['roleChanges'] = [];
const writes: WriteRecord[] = [];
let writesDone = false;
const follow: PageReport['follow'] = { frames: [], done: false };

function opened(): Store {
  if (!store) throw new Error('call mt.open(db) first');
  return store;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function track(record: WriteRecord, write: () => Promise<number | undefined>): Promise<void> {
  writes.push(record);
  try {
    record.seq = await write();
    record.state = 'resolved';
    record.settledAt = Date.now();
    void window.reportResolved?.(record.kind, record.i, record.seq);
  } catch (err) {
    record.state = 'rejected';
    record.settledAt = Date.now();
    record.error = errorText(err);
  }
}

type Gate = { at: number; open: Promise<void>; release: () => void };
const gates: Gate[] = [];

function gate(at: number): Gate {
  let release!: () => void;
  const open = new Promise<void>((resolve) => (release = resolve));
  return { at, open, release };
}

async function writeAll(run: string, stream: string, page: string, count: number, width: number): Promise<void> {
  const s = opened();
  let next = 0;
  // `width` workers, each writing one output and one frame at a time (the pair travels as one batch).
  const worker = async () => {
    while (next < count) {
      const i = next++;
      for (const g of gates) if (i >= g.at) await g.open;
      const at = Date.now();
      await Promise.all([
        track({ kind: 'output', i, startedAt: at, state: 'pending' }, async () => {
          await s.outputs.put(run, `${page}-${i}`, { page, i });
          return undefined;
        }),
        track(
          { kind: 'frame', i, startedAt: at, state: 'pending' },
          async () => (await s.streams.append(stream, { kind: 'w', data: { page, i } })).seq,
        ),
      ]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  writesDone = true;
}

async function followAll(stream: string): Promise<void> {
  try {
    for await (const frame of opened().streams.follow(stream)) {
      const data = frame.data as { page: string; i: number };
      follow.frames.push({ seq: frame.seq, page: data.page, i: data.i });
    }
  } catch (err) {
    follow.error = errorText(err);
  }
  follow.done = true;
}

window.mt = {
  async open(db) {
    store = await openStore({ name: db, storage: 'opfs' });
    store.onRoleChange((role) => roleChanges.push({ role, at: Date.now() }));
    document.body.dataset.state = 'ready';
    return store.role;
  },
  startFollow(stream) {
    void followAll(stream);
  },
  startWrites(run, stream, page, count, width, at) {
    gates.push(...at.map(gate));
    void writeAll(run, stream, page, count, width);
  },
  release() {
    const next = gates.shift();
    if (!next) throw new Error('no gate left to open');
    next.release();
  },
  settled() {
    return writes.filter((w) => w.state !== 'pending').length;
  },
  report() {
    return { role: opened().role, roleChanges, writes, writesDone, follow };
  },
  keys(run) {
    return opened().outputs.keys(run);
  },
  async frames(stream) {
    const page = await opened().streams.read(stream, { limit: 10_000 });
    return page.frames.map((f) => {
      const data = f.data as { page: string; i: number };
      return { seq: f.seq, page: data.page, i: data.i };
    });
  },
  closeStream(stream) {
    return opened().streams.close(stream);
  },
  startPut(run, node) {
    const put = opened().outputs.put(run, node, { node });
    puts.set(
      node,
      put.then(() => 'ok', errorText),
    );
  },
  outcome(node) {
    const put = puts.get(node);
    if (!put) throw new Error(`no write of ${node} was started`);
    return put;
  },
  lifecycle(event) {
    document.dispatchEvent(new Event(event));
  },
  integrity() {
    return opened().inspect('PRAGMA integrity_check');
  },
};
