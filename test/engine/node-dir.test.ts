import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeDumpDir } from '../../src/engine/dump/node-dir.js';

// A real directory on this machine's disk: the server's side of dump files.

let base: string | undefined;
afterEach(() => {
  if (base) rmSync(base, { recursive: true, force: true });
  base = undefined;
});

describe('a dump directory on a server', () => {
  it('is created with its parents, takes files whole, and syncs itself and the directories it created', async () => {
    base = mkdtempSync(join(tmpdir(), 'flowstore-dir-'));
    const dir = nodeDumpDir(join(base, 'a', 'b', 'notes'));
    await dir.ready();
    await dir.write('x.md', '# x\n');
    await dir.write('x.md', '# x, again\n');
    await dir.flush!();
    await dir.remove('x.md');
    await dir.write('y.md', '# y\n');
    await dir.flush!();
    expect(readdirSync(join(base, 'a', 'b', 'notes'))).toEqual(['y.md']);
    expect(readFileSync(join(base, 'a', 'b', 'notes', 'y.md'), 'utf8')).toBe('# y\n');
  });

  it('rejects a flush whose directory is gone (a real failure, not a missing call)', async () => {
    base = mkdtempSync(join(tmpdir(), 'flowstore-dir-'));
    const dir = nodeDumpDir(join(base, 'notes'));
    await dir.ready();
    rmSync(join(base, 'notes'), { recursive: true });
    await expect(dir.flush!()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
