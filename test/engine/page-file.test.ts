import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK, PageFile, type FileChanges } from '../../src/engine/storage/page-file.js';

type Op = { write: { offset: number; bytes: Uint8Array } } | { truncate: number };

const MAX = 5 * CHUNK;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ write: fc.record({ offset: fc.nat(MAX), bytes: fc.uint8Array({ minLength: 1, maxLength: 2 * CHUNK + 7 }) }) }),
  fc.record({ truncate: fc.nat(MAX) }),
);

/** What a saved copy holds after applying `changes` to it, as the IndexedDB fallback saves them. */
function applyTo(saved: Uint8Array[], { size, chunks }: FileChanges): Uint8Array[] {
  const next = saved.slice(0, Math.ceil(size / CHUNK));
  for (const [index, bytes] of chunks) next[index] = bytes;
  return next;
}

const whole = (file: PageFile) => {
  const out = new Uint8Array(file.size);
  expect(file.read(out, 0)).toBe(file.size);
  return out;
};
// A byte-by-byte toEqual over files of hundreds of KiB would take most of the run.
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe('a file of chunks in memory', () => {
  it('reads what a plain byte array would hold, and its saved changes rebuild it exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (saves) => {
        const file = new PageFile();
        let model = new Uint8Array(0);
        let saved: Uint8Array[] = [];
        for (const ops of saves) {
          for (const o of ops) {
            if ('write' in o) {
              const { offset, bytes } = o.write;
              const grown = new Uint8Array(Math.max(model.length, offset + bytes.length));
              grown.set(model);
              grown.set(bytes, offset);
              model = grown;
              file.write(bytes, offset);
            } else {
              const cut = new Uint8Array(o.truncate);
              cut.set(model.subarray(0, o.truncate));
              model = cut;
              file.truncate(o.truncate);
            }
          }
          expect(file.size).toBe(model.length);
          expect(same(whole(file), model)).toBe(true);
          saved = applyTo(saved, file.takeChanges());
          expect(file.changed()).toBe(false);
          const copy = PageFile.from(model.length, saved);
          expect(same(whole(copy), model)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reports only the chunks written to since the last save, copied', () => {
    const file = new PageFile();
    file.write(new Uint8Array(10 * CHUNK).fill(1), 0);
    file.takeChanges();
    file.write(new Uint8Array([7, 7]), 3 * CHUNK + 5);
    file.write(new Uint8Array([9]), 8 * CHUNK - 1);
    const { size, chunks } = file.takeChanges();
    expect(size).toBe(10 * CHUNK);
    expect([...chunks.keys()]).toEqual([3, 7]);
    file.write(new Uint8Array([0]), 3 * CHUNK + 5);
    expect(chunks.get(3)![5]).toBe(7);
  });

  it('reads short past its end', () => {
    const file = new PageFile();
    file.write(new Uint8Array([1, 2, 3]), 0);
    const into = new Uint8Array(8);
    expect(file.read(into, 1)).toBe(2);
    expect(file.read(into, 3)).toBe(0);
    expect(file.read(into, 50)).toBe(0);
  });
});
