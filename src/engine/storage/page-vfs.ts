import type { sqlite3_io_methods, sqlite3_vfs, Sqlite3Static, WasmPointer } from '@sqlite.org/sqlite-wasm';
import { PageFile } from './page-file.js';

/** The name SQLite knows the VFS by; a database opens on it with `vfs: PAGE_VFS`. */
export const PAGE_VFS = 'flowstore-pages';

/**
 * Files of the page VFS by name: the IndexedDB fallback puts a database's
 * file here before SQLite opens it, and takes it away once closed. Journals
 * and temporary files are made on demand and gone when deleted.
 */
export type PageFiles = {
  provide(path: string, file: PageFile): void;
  remove(path: string): void;
};

type Methods<S> = { [K in keyof S as K extends `x${string}` ? K : never]?: S[K] };
/** Our methods answer plain numbers (SQLite result codes); the typings want their own union of them. */
type Loose<S> = { [K in keyof Methods<S>]?: (...args: Parameters<NonNullable<S[K & keyof S]> & ((...a: never[]) => unknown)>) => number };
const ioMethods = (m: Loose<sqlite3_io_methods>) => m as Methods<sqlite3_io_methods>;
const vfsMethods = (m: Loose<sqlite3_vfs>) => m as unknown as Methods<sqlite3_vfs>;

const installed = new WeakMap<Sqlite3Static, PageFiles>();

/**
 * A SQLite VFS whose files are PageFiles in this thread's memory (one per
 * sqlite3 instance, installed on first use and never the default). SQLite
 * reads and writes them synchronously; what makes them durable is the
 * caller, which saves each commit's changed chunks (see idb.ts).
 */
export function pageVfs(sqlite3: Sqlite3Static): PageFiles {
  let files = installed.get(sqlite3);
  if (!files) {
    files = install(sqlite3);
    installed.set(sqlite3, files);
  }
  return files;
}

function install(sqlite3: Sqlite3Static): PageFiles {
  const { capi, wasm } = sqlite3;
  const byName = new Map<string, PageFile>();
  const open = new Map<WasmPointer, { name: string; file: PageFile; deleteOnClose: boolean }>();
  let temporary = 0;
  const openFile = (p: WasmPointer) => open.get(p)!.file;
  const bytes = (p: WasmPointer, n: number) => wasm.heap8u().subarray(Number(p), Number(p) + n);
  // SQLite's C code is below every call: a JS exception must come back as an error code.
  const guarded =
    <A extends unknown[]>(failure: number, fn: (...args: A) => number) =>
    (...args: A): number => {
      try {
        return fn(...args);
      } catch {
        return failure;
      }
    };

  const io = new capi.sqlite3_io_methods();
  // The struct binder names C members with a `$` (the typings leave it out here).
  const struct = (value: object) => value as unknown as Record<string, unknown>;
  struct(io).$iVersion = 1;
  sqlite3.vfs.installVfs({
    io: {
      struct: io,
      methods: ioMethods({
        xClose: guarded(capi.SQLITE_IOERR_CLOSE, (p) => {
          const entry = open.get(p);
          open.delete(p);
          if (entry?.deleteOnClose) byName.delete(entry.name);
          return 0;
        }),
        xRead: guarded(capi.SQLITE_IOERR_READ, (p, dest, n, offset) => {
          const into = bytes(dest, n);
          const got = openFile(p).read(into, Number(offset));
          if (got === n) return 0;
          into.fill(0, got);
          return capi.SQLITE_IOERR_SHORT_READ;
        }),
        xWrite: guarded(capi.SQLITE_IOERR_WRITE, (p, src, n, offset) => {
          openFile(p).write(bytes(src, n), Number(offset));
          return 0;
        }),
        xTruncate: guarded(capi.SQLITE_IOERR_TRUNCATE, (p, size) => {
          openFile(p).truncate(Number(size));
          return 0;
        }),
        // Durability is the caller's save after the commit; memory has nothing to flush.
        xSync: () => 0,
        xFileSize: guarded(capi.SQLITE_IOERR_FSTAT, (p, out) => {
          wasm.poke64(out, BigInt(openFile(p).size));
          return 0;
        }),
        // One connection per file, in one thread: there is nobody to lock out.
        xLock: () => 0,
        xUnlock: () => 0,
        xCheckReservedLock: (_p, out) => {
          wasm.poke32(out, 0);
          return 0;
        },
        xFileControl: () => capi.SQLITE_NOTFOUND,
        xSectorSize: () => 4096,
        xDeviceCharacteristics: () => 0,
      }),
    },
  });

  const vfs = new capi.sqlite3_vfs();
  const fallback = new capi.sqlite3_vfs(capi.sqlite3_vfs_find(null));
  vfs.$iVersion = 2;
  vfs.$szOsFile = (capi.sqlite3_file as unknown as { structInfo: { sizeof: number } }).structInfo.sizeof;
  vfs.$mxPathname = 1024;
  // Randomness as good as the default VFS's (SQLite uses it for temporary names and the like).
  struct(vfs).$xRandomness = struct(fallback).$xRandomness;
  fallback.dispose();
  sqlite3.vfs.installVfs({
    vfs: {
      struct: vfs,
      name: PAGE_VFS,
      methods: vfsMethods({
        xOpen: guarded(capi.SQLITE_CANTOPEN, (_vfs, zName, pFile, flags, pOutFlags) => {
          const name = zName && wasm.peek8(zName) ? String(wasm.cstrToJs(zName)) : `/temporary-${++temporary}`;
          let file = byName.get(name);
          if (!file) {
            if (!(flags & capi.SQLITE_OPEN_CREATE) || flags & capi.SQLITE_OPEN_MAIN_DB) return capi.SQLITE_CANTOPEN;
            file = new PageFile();
            byName.set(name, file);
          }
          open.set(pFile, { name, file, deleteOnClose: (flags & capi.SQLITE_OPEN_DELETEONCLOSE) !== 0 });
          const handle = new capi.sqlite3_file(pFile);
          handle.$pMethods = io.pointer;
          handle.dispose();
          // SQLite passes no place for the flags when it opens a journal or a temporary file.
          if (pOutFlags) wasm.poke32(pOutFlags, flags);
          return 0;
        }),
        xDelete: (_vfs, zName) => {
          byName.delete(String(wasm.cstrToJs(zName)));
          return 0;
        },
        xAccess: (_vfs, zName, _flags, out) => {
          wasm.poke32(out, byName.has(String(wasm.cstrToJs(zName))) ? 1 : 0);
          return 0;
        },
        xFullPathname: (_vfs, zName, nOut, out) => (wasm.cstrncpy(out, zName, nOut) < nOut ? 0 : capi.SQLITE_CANTOPEN),
        xSleep: () => 0,
        xCurrentTime: (_vfs, out) => {
          wasm.poke(out, 2440587.5 + Date.now() / 864e5, 'double');
          return 0;
        },
        xCurrentTimeInt64: (_vfs, out) => {
          wasm.poke(out, 210866760000000 + Date.now(), 'i64');
          return 0;
        },
        xGetLastError: () => 0,
      }),
    },
  });

  return {
    // A main database is only ever opened from a file put here: SQLite never makes one up.
    provide: (path, file) => byName.set(path, file),
    remove: (path) => byName.delete(path),
  };
}
