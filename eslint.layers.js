/**
 * Layer rules as lint (no-restricted-imports zones): each layer of the tree lists what it may not import.
 *   protocol (wire types, no Node) ← contracts (values, grid, errors, chunkTask, fanOut) ← kernels (pure) ← io
 *   ← raster/ml/demo/validation (chunk work, node helpers) ← nodes ← engine ← server/CLI ← editor (protocol
 *   and pure kernels only); inside the editor, its graph store (src/graph) is headless: no React, Rete, DOM or
 *   network (it is tested in Node; the canvas and panels use it).
 * Tests (*.test.ts) and test helpers are outside the layers: they may reach anything they check.
 * Zones must not overlap: for one file, the last config that sets a rule wins (ESLint does not merge them), so
 * the graph-store zone, last, repeats the editor's patterns.
 */

const rel = (dirs) => `^(\\.\\./)+(${dirs.join('|')})(/|\\.ts$)`;
const zone = (files, patterns, paths = []) => ({
  files,
  ignores: ['**/*.test.ts', '**/testdata/**'],
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const ui = {
  regex: '^(react|react-dom|rete|rete-.*|styled-components|@deck\\.gl/.*|express|ws)(/.*)?$',
  message: 'packages/* import no UI or server framework.',
};
const apps = { regex: '^@sentiflow/(runner|editor)(/.*)?$', message: 'packages/* import no app (runner, editor).' };
const appsByPath = { regex: '^(\\.\\./)+apps/', message: 'packages/* import no app (runner, editor), by name or by path.' };
const registry = (message) => ({ regex: '^(\\.\\./)+(define|tasks|catalog|index)\\.ts$', message });
const nodeBuiltin = { regex: '^node:', message: 'no Node built-ins here (pure functions; the editor bundles this).' };

const editorPatterns = [
      {
        regex: '^(\\.\\./)+(runner|apps/runner|nodes)/',
        message: 'the editor reaches the runner only over HTTP/WS; shared types come from @sentiflow/protocol.',
      },
      { regex: '^(\\.\\./)+packages/(?!nodes/src/values\\.ts$)', message: 'the editor imports packages by name (@sentiflow/protocol).' },
      // Socket values (Metrics, Change, ...) are still declared in nodes' values.ts: types only, until they move to the protocol.
      { regex: '^(\\.\\./)+packages/nodes/src/values\\.ts$', allowTypeImports: true, message: 'only types may come from values.ts.' },
      {
        regex: '^@sentiflow/runner(/.*)?$',
        message: 'the editor reaches the runner only over HTTP/WS; shared types come from @sentiflow/protocol.',
      },
      { regex: '^@sentiflow/nodes(?!/kernels/)', message: 'the editor may use pure kernels of @sentiflow/nodes (kernels/*) only.' },
      { regex: '^node:', message: 'the editor runs in the browser: no Node built-ins.' },
];

const graphZone = zone(
  ['apps/editor/src/graph/**'],
  [
    ...editorPatterns,
    { regex: '^(react|react-dom|rete|rete-.*|styled-components|@deck\\.gl/.*)(/.*)?$', message: 'the graph store is headless: the canvas renders it, not the other way round.' },
    { regex: '^\\.\\./(rete|components|views|api/client|api/events|controller|docActions|hooks)(/|\\.tsx?$)', message: 'the graph store is headless: UI and network code use it, it does not use them.' },
  ],
);

export const layerRules = [
  zone(
    ['packages/protocol/src/**'],
    [
      nodeBuiltin,
      ui,
      { regex: '^@sentiflow/', message: 'the protocol is the bottom layer: it imports no other Sentiflow package.' },
      { regex: '^\\.\\./\\.\\./', message: 'the protocol imports only its own files and zod.' },
    ],
  ),
  zone(
    ['packages/nodes/src/kernels/**'],
    [
      nodeBuiltin,
      ui,
      apps,
      appsByPath,
      { regex: rel(['io', 'raster', 'ml', 'demo', 'validation', 'nodes']), message: 'kernels are pure: no I/O, chunk tasks or nodes.' },
      registry('kernels import no node definitions or task registry (NodeError is in errors.ts).'),
    ],
  ),
  zone(
    ['packages/nodes/src/io/**'],
    [
      ui,
      apps,
      appsByPath,
      { regex: rel(['raster', 'ml', 'demo', 'validation', 'nodes']), message: 'I/O sits below chunk tasks and nodes.' },
      registry('I/O imports no node definitions (NodeError is in errors.ts).'),
    ],
  ),
  zone(
    ['packages/nodes/src/{raster,ml,demo,validation}/**'],
    [
      ui,
      apps,
      appsByPath,
      { regex: rel(['nodes']), message: 'chunk work sits below the node definitions.' },
      registry('chunk tasks and node helpers import chunkTask.ts and errors.ts, not define.ts or the registry tasks.ts.'),
    ],
  ),
  // The contracts at the bottom of the package: socket values, grids, NodeError, the chunk-task contract and
  // the window fan-out, the class palette (re-exported from the protocol).
  zone(
    ['packages/nodes/src/{values,grid,errors,chunkTask,fanOut,palette}.ts'],
    [
      nodeBuiltin,
      ui,
      apps,
      appsByPath,
      {
        regex: '^\\./(io|raster|ml|demo|validation|nodes|kernels)/|^\\./(define|tasks|catalog|index)\\.ts$',
        message: "the package's contracts import only each other and the protocol.",
      },
    ],
  ),
  zone(['packages/nodes/src/{define,tasks,catalog,index}.ts', 'packages/nodes/src/nodes/**'], [ui, apps, appsByPath]),
  zone(
    ['apps/runner/src/{engine,pool}/**'],
    [
      { regex: rel(['server', 'cli']), message: 'the engine knows nothing of the server or CLI.' },
      { regex: '^@sentiflow/editor(/.*)?$', message: 'the runner imports no editor code.' },
      { regex: '^(\\.\\./)+(editor|apps/editor)/', message: 'the runner imports no editor code.' },
      { regex: '^(express|ws|react|react-dom|rete.*)(/.*)?$', message: 'the engine uses no server or UI framework.' },
    ],
  ),
  zone(
    ['apps/runner/src/server/**'],
    [
      { regex: rel(['cli']), message: 'the server does not import the CLI.' },
      { regex: '^(@sentiflow/editor|react|react-dom|rete.*)(/.*)?$', message: 'the runner imports no editor code.' },
      { regex: '^(\\.\\./)+(editor|apps/editor)/', message: 'the runner imports no editor code.' },
    ],
  ),
  zone(
    ['apps/runner/src/cli/**'],
    [
      { regex: '^(@sentiflow/editor|react|react-dom|rete.*)(/.*)?$', message: 'the runner imports no editor code.' },
      { regex: '^(\\.\\./)+(editor|apps/editor)/', message: 'the runner imports no editor code.' },
    ],
  ),
  zone(['apps/editor/src/**'], editorPatterns),
  // The editor's graph store and commands run headless (tested in Node): no React, Rete, DOM or browser storage.
  { ...graphZone, rules: { ...graphZone.rules, 'no-restricted-globals': ['error', ...['window', 'document', 'localStorage', 'navigator', 'fetch'].map((name) => ({ name, message: 'the graph store is headless (no DOM, storage or network).' }))] } },
];
