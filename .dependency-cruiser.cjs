/**
 * Import rules that keep the layers apart; `npm run check:deps` fails on a
 * violation. Type-only imports count: a cycle of types is one value import
 * away from a real one.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'No import cycles, type-only ones included.', from: {}, to: { circular: true } },
    {
      name: 'shared-stays-shared',
      severity: 'error',
      comment: 'src/shared is bundled on both sides: it may not reach into page or engine code (types of the engine ops excepted).',
      from: { path: '^src/shared/' },
      to: { path: '^src/(api|client|worker|store\\.ts|index\\.ts|in-process\\.ts|create-worker\\.ts|server\\.ts|workerd\\.ts)' },
    },
    {
      name: 'engine-not-page',
      severity: 'error',
      comment: 'The engine runs in a worker or in-process: it never imports page-side code.',
      from: { path: '^src/engine/' },
      to: { path: '^src/(api|client|worker|store\\.ts|index\\.ts|in-process\\.ts|create-worker\\.ts|server\\.ts|workerd\\.ts)' },
    },
    {
      name: 'page-imports-engine-lazily',
      severity: 'error',
      comment: 'Page-side code reaches the engine only through the worker, or the lazily imported in-process host.',
      from: { path: '^src/(api|client|store\\.ts|index\\.ts|in-process\\.ts|create-worker\\.ts|server\\.ts|workerd\\.ts)' },
      to: { path: '^src/engine/', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'react-only-in-its-entry',
      severity: 'error',
      comment: 'React is an optional peer dependency of flowstore/react only: the main entry must never import it.',
      from: { path: '^src/', pathNot: '^src/react/' },
      to: { path: '(^|/)node_modules/(react|react-dom)/' },
    },
    {
      name: 'nothing-imports-the-react-entry',
      severity: 'error',
      comment: 'flowstore/react builds on the main entry, never the other way round.',
      from: { path: '^src/', pathNot: '^src/react/' },
      to: { path: '^src/react/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
