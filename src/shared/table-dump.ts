import { ValidationError } from './errors.js';
import { isPlainObject } from './json-object.js';
import { describe } from './validate.js';

/**
 * A FileSystemDirectoryHandle (OPFS, or a folder from showDirectoryPicker()),
 * named by its shape so that flowstore's types compile without the DOM lib.
 */
export type DirectoryHandle = { readonly kind: 'directory'; readonly name: string };

/**
 * Where and how a table's rows are mirrored as Markdown files, one `<id>.md`
 * per row (see the README, "Rows as Markdown files").
 */
export type DumpOptions = {
  /**
   * The directory of the files. Node, Deno, Bun: a path (relative to the
   * working directory). Browsers: a path under the origin's OPFS root, or a
   * FileSystemDirectoryHandle (from showDirectoryPicker()), which flowstore
   * keeps in IndexedDB so it survives a reload.
   */
  dir: string | DirectoryHandle;
  /** The field whose value is the file's first line, `# <title>`. @default 'title' */
  titleField?: string;
  /** The field whose text follows the title. @default 'body' */
  bodyField?: string;
  /**
   * 'bidirectional' is accepted, with a warning, and behaves as 'write-only'
   * for now: edits made in the files do not flow back into rows.
   * @default 'write-only'
   */
  sync?: 'write-only' | 'bidirectional';
  /** What a row's delete does to its file. @default 'keep' */
  onDelete?: 'keep' | 'remove';
};

/** A checked dump, every default filled in. `dir` is a path or a directory handle. */
export type DumpConfig = Required<DumpOptions>;

/** How a dump is kept in the database: a handle cannot be, so it lives in IndexedDB and `dir` is null. */
export type StoredDump = Omit<DumpConfig, 'dir'> & { dir: string | null };

/** Whether `value` is a directory handle of the File System API (OPFS or a picked folder). */
export function isDirectoryHandle(value: unknown): value is DirectoryHandle {
  return typeof FileSystemDirectoryHandle !== 'undefined' && value instanceof FileSystemDirectoryHandle;
}

/**
 * Checks a table's `dump` option against its fields and fills in defaults.
 * In a browser a path may not climb (`..`) nor reach into flowstore's own OPFS folder.
 * @throws ValidationError naming the part (`schema.dump.titleField`, …).
 */
export function checkDump(fields: Record<string, unknown>, dump: unknown): DumpConfig {
  return checkWith(
    dump,
    (name) => Object.hasOwn(fields, name),
    (dir) => {
      if (typeof dir === 'string') checkDirPath(dir);
      else if (!isDirectoryHandle(dir)) {
        throw new ValidationError(`dir must be a directory path or a FileSystemDirectoryHandle, got ${describe(dir)}`, 'schema.dump.dir');
      }
      return dir;
    },
  );
}

/**
 * Checks a dump as a database keeps it (an imported image's) by the rules of
 * {@link checkDump}, with `dir` null for a directory handle in IndexedDB.
 * `isField` stands in for the schema's fields: a table reopened with another
 * schema keeps its dump, so a stored title field need not be one of them now.
 * @throws ValidationError naming the part, as checkDump does.
 */
export function checkStoredDump(dump: unknown, isField: (name: string) => boolean): StoredDump {
  return checkWith(dump, isField, (dir) => {
    if (dir === null) return null;
    if (typeof dir !== 'string') throw new ValidationError(`dir must be a directory path or null, got ${describe(dir)}`, 'schema.dump.dir');
    checkDirPath(dir);
    return dir;
  });
}

function checkWith<Dir>(
  dump: unknown,
  isField: (name: string) => boolean,
  checkDir: (dir: unknown) => Dir,
): Omit<DumpConfig, 'dir'> & { dir: Dir } {
  const path = 'schema.dump';
  if (!isPlainObject(dump)) throw new ValidationError('dump must be an object like { dir: "notes" }', path);
  for (const key of Object.keys(dump)) {
    if (!['dir', 'titleField', 'bodyField', 'sync', 'onDelete'].includes(key)) {
      throw new ValidationError(`unknown key ${describe(key)}; expected dir, titleField, bodyField, sync or onDelete`, `${path}.${key}`);
    }
  }
  const dir = checkDir(dump.dir);
  const field = (key: 'titleField' | 'bodyField', fallback: string): string => {
    const value = dump[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !isField(value)) {
      throw new ValidationError(`${key} must name a field of the schema, got ${describe(value)}`, `${path}.${key}`);
    }
    return value;
  };
  const oneOf = <V extends string>(key: 'sync' | 'onDelete', values: readonly V[]): V => {
    const value = dump[key] ?? values[0];
    if (!values.includes(value as V)) {
      throw new ValidationError(`${key} must be ${values.map((v) => `'${v}'`).join(' or ')}, got ${describe(value)}`, `${path}.${key}`);
    }
    return value as V;
  };
  return {
    dir,
    titleField: field('titleField', 'title'),
    bodyField: field('bodyField', 'body'),
    sync: oneOf('sync', ['write-only', 'bidirectional'] as const),
    onDelete: oneOf('onDelete', ['keep', 'remove'] as const),
  };
}

function checkDirPath(dir: string): void {
  const parts = dir.split(/[/\\]/).filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || dir.trim() === '') throw new ValidationError('dir must name a directory, not be empty', 'schema.dump.dir');
  // In a browser a path is taken from the OPFS root, which has no parent; servers resolve it as any path.
  if (!inBrowser()) return;
  if (parts.includes('..'))
    throw new ValidationError(`dir is a path under the OPFS root and may not climb with "..", got ${describe(dir)}`, 'schema.dump.dir');
  if (parts[0] === '.flowstore') {
    throw new ValidationError("dir may not be inside .flowstore, where flowstore keeps its databases' own files", 'schema.dump.dir');
  }
}

function inBrowser(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

/** The stored form of a checked dump (what the database keeps). */
export function storedDump(config: DumpConfig): StoredDump {
  return { ...config, dir: typeof config.dir === 'string' ? config.dir : null };
}
