import fc from 'fast-check';
import { reactive } from 'vue';

/** Deno's node:sqlite cuts text at U+0000, so flowstore refuses it in keys there (README, Runtimes): no NUL is generated on Deno. */
const NUL: string[] = (globalThis as { Deno?: unknown }).Deno === undefined ? ['\u0000'] : [];

/**
 * Hostile values for the property tests and the fuzz run. Each is drawn as a
 * plain descriptor (printable in a counterexample, safe to shrink) and built
 * fresh for each use by {@link build}: Proxies, detached buffers and cycles
 * must not be shared between runs, and printing a Proxy whose traps throw
 * would break the report.
 */
export type Desc =
  | { t: 'json'; v: unknown }
  | { t: 'any'; v: unknown }
  | { t: 'proxy' | 'reactive' | 'deepProxy'; v: unknown }
  | { t: 'throwing'; trap: 'get' | 'ownKeys' | 'getPrototypeOf' | 'getOwnPropertyDescriptor'; array: boolean }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'typed'; k: 'Float64Array' | 'Int8Array' | 'Uint8ClampedArray' | 'DataView' | 'ArrayBuffer' }
  | { t: 'deep'; levels: number; k: 'object' | 'array' | 'mixed' }
  | { t: 'wrap'; array: boolean; items: Desc[] }
  | { t: (typeof SIMPLE)[number] };

const SIMPLE = [
  'revoked',
  'detached',
  'buffer',
  'cycle',
  'arrayCycle',
  'named',
  'sparse',
  'instance',
  'date',
  'map',
  'set',
  'fn',
  'symbol',
  'bigint',
  'nan',
  'inf',
  'negzero',
  'undef',
  'getter',
  'throwingGetter',
  'symbolKey',
  'hiddenSymbolKey',
  'hidden',
  'protoKey',
  'protoChain',
  'boxed',
  'toJSON',
] as const;

/** One UTF-16 unit or code point: anything, with lone surrogates, BOM, NUL and quotes made likely. */
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => NUL.length > 0 || c !== '\u0000') },
  { weight: 2, arbitrary: fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D') },
  { weight: 2, arbitrary: fc.constantFrom('\uFEFF', ...NUL, '\uFFFD', '\u2028', '"', "'", '\\', '%', '_', ';', '/', '.') },
);

/** Any JavaScript string, lone surrogates included. */
export const anyString = fc.oneof(fc.string({ unit, maxLength: 10 }), fc.constantFrom('', '__proto__', 'constructor', 'toString'));

/** A well-formed string (no lone surrogate), BOM, NUL and astral characters likely. */
export const wellFormedString = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => NUL.length > 0 || c !== '\u0000'),
    fc.constantFrom('\uFEFF', ...NUL, '\uFFFD', '😀'),
  ),
  maxLength: 10,
});

/** A JSON value in its widest form: any strings (as keys too), -0, null-prototype objects, "__proto__" keys. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(anyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const anything = fc.anything({
  key: anyString,
  values: [fc.boolean(), fc.integer(), fc.double(), anyString, fc.constant(null), fc.constant(undefined)],
  maxDepth: 3,
  maxKeys: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

const leaf: fc.Arbitrary<Desc> = fc.oneof(
  { weight: 4, arbitrary: jsonValue.map((v): Desc => ({ t: 'json', v })) },
  { weight: 3, arbitrary: anything.map((v): Desc => ({ t: 'any', v })) },
  { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('proxy' as const, 'reactive' as const, 'deepProxy' as const), v: jsonValue }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('throwing' as const),
      trap: fc.constantFrom('get' as const, 'ownKeys' as const, 'getPrototypeOf' as const, 'getOwnPropertyDescriptor' as const),
      array: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((v): Desc => ({ t: 'bytes', v })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'Float64Array' as const,
        'Int8Array' as const,
        'Uint8ClampedArray' as const,
        'DataView' as const,
        'ArrayBuffer' as const,
      )
      .map((k): Desc => ({ t: 'typed', k })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('deep' as const),
      levels: fc.oneof(fc.integer({ min: 125, max: 131 }), fc.integer({ min: 2000, max: 10_000 })),
      k: fc.constantFrom('object' as const, 'array' as const, 'mixed' as const),
    }),
  },
  { weight: 4, arbitrary: fc.constantFrom(...SIMPLE).map((t): Desc => ({ t })) },
);

/** A hostile value: anything, or a container of hostile values. */
export const hostile: fc.Arbitrary<Desc> = fc.letrec<{ desc: Desc }>((tie) => ({
  desc: fc.oneof(
    { depthSize: 'small', maxDepth: 2 },
    { weight: 5, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('wrap' as const), array: fc.boolean(), items: fc.array(tie('desc'), { maxLength: 3 }) }),
    },
  ),
})).desc;

function nest(levels: number, k: 'object' | 'array' | 'mixed'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = k === 'array' || (k === 'mixed' && i % 2 === 1) ? [value] : { a: value };
  return value;
}

function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

function proxify(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, {
      value: proxify((value as Record<string, unknown>)[key]),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return new Proxy(copy, {});
}

/** A fresh value for `d`. */
export function build(d: Desc): unknown {
  switch (d.t) {
    case 'json':
    case 'any':
      return d.v;
    case 'proxy':
      return typeof d.v === 'object' && d.v !== null ? new Proxy(d.v, {}) : d.v;
    case 'reactive':
      return typeof d.v === 'object' && d.v !== null ? reactive(structuredClone(d.v) as object) : d.v;
    case 'deepProxy':
      return proxify(d.v);
    case 'throwing':
      return new Proxy(d.array ? [1, 2] : { a: 1 }, {
        [d.trap]: () => {
          throw new Error(`hostile ${d.trap} trap`);
        },
      });
    case 'bytes':
      return d.v.slice();
    case 'typed':
      return d.k === 'DataView' ? new DataView(new ArrayBuffer(4)) : d.k === 'ArrayBuffer' ? new ArrayBuffer(4) : new globalThis[d.k](3);
    case 'deep':
      return nest(d.levels, d.k);
    case 'wrap': {
      const items = d.items.map(build);
      return d.array ? items : Object.fromEntries(items.map((v, i) => [`k${i}`, v]));
    }
    case 'revoked': {
      const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
      revoke();
      return proxy;
    }
    case 'detached':
      return detachedBytes();
    case 'buffer':
      return typeof Buffer === 'undefined' ? new Uint16Array(2) : Buffer.from([1, 2]);
    case 'cycle': {
      const o: Record<string, unknown> = { a: 1 };
      o.self = { back: o };
      return o;
    }
    case 'arrayCycle': {
      const a: unknown[] = [1];
      a.push([a]);
      return a;
    }
    case 'named':
      return Object.assign([1, 2], { extra: 'x' });
    case 'sparse':
      return [1, , 3];
    case 'instance':
      return new (class Point {
        x = 1;
      })();
    case 'date':
      return new Date(0);
    case 'map':
      return new Map([['a', 1]]);
    case 'set':
      return new Set([1]);
    case 'fn':
      return () => 1;
    case 'symbol':
      return Symbol('s');
    case 'bigint':
      return 10n;
    case 'nan':
      return NaN;
    case 'inf':
      return -Infinity;
    case 'negzero':
      return -0;
    case 'undef':
      return undefined;
    case 'getter':
      return {
        get a() {
          return [1];
        },
      };
    case 'throwingGetter':
      return {
        get a(): never {
          throw new Error('hostile getter');
        },
      };
    case 'symbolKey':
      return { a: 1, [Symbol('k')]: 2 };
    case 'hiddenSymbolKey':
      // A library's bookkeeping under a hidden symbol (as MobX keeps its administration).
      return Object.defineProperty({ a: 1 }, Symbol('admin'), { value: 2, enumerable: false });
    case 'hidden':
      return Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
    case 'protoKey':
      return JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    case 'protoChain':
      return { __proto__: { inherited: 1 }, own: 1 };
    case 'boxed':
      return new String('boxed');
    case 'toJSON':
      return { toJSON: () => 1 };
  }
}
