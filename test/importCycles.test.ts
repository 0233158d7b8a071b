/**
 * No import circle in the sources (type-only imports included: a circle of types is still a knot between
 * layers, e.g. the old tasks.ts ↔ ml/*Task.ts). Reads every non-test .ts file of the packages and the runner,
 * follows its static relative and `@sentiflow/<package>/...` imports, and reports each circle with its files named.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { findCycles } from '../apps/runner/src/engine/validate.ts';
import { repoRoot } from './needs.ts';

const ROOTS = ['packages/protocol/src', 'packages/nodes/src', 'apps/runner/src'];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testdata') sources(path, out);
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Static `import … from '…'`, `import '…'` and `export … from '…'` specifiers (comments and strings aside). */
const SPECIFIER = /^\s*(?:import|export)\b(?:[^'";]*?\bfrom\s*)?\s*['"]([^'"]+)['"]/gm;

function target(file: string, spec: string): string | null {
  if (spec.startsWith('.')) return resolve(dirname(file), spec);
  const m = /^@sentiflow\/([^/]+)(?:\/(.+))?$/.exec(spec);
  if (!m) return null;
  return join(repoRoot, 'packages', m[1], 'src', m[2] ?? 'index.ts');
}

function importGraph(): Map<string, string[]> {
  const files = ROOTS.flatMap((r) => sources(join(repoRoot, r)));
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const deps = [...text.matchAll(SPECIFIER)].map((m) => target(file, m[1])).filter((t): t is string => t !== null && known.has(t));
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Circles of the import graph, by the engine's own cycle finder for graphs (Tarjan, explicit stack). */
function circles(graph: Map<string, string[]>): string[][] {
  const links = [...graph].flatMap(([from, deps]) => deps.map((to) => ({ from: { node: from, output: '' }, to: { node: to, input: '' } })));
  return findCycles([...graph.keys()], links);
}

test('the import graph of the packages and the runner has no circle', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `read ${graph.size} files`);
  // The reader finds what it must: the registry imports the task modules.
  const tasks = graph.get(join(repoRoot, 'packages/nodes/src/tasks.ts'))!.map((f) => relative(repoRoot, f));
  assert.ok(tasks.includes('packages/nodes/src/ml/classifyTask.ts'), tasks.join(', '));
  const found = circles(graph).map((g) =>
    g
      .map((f) => relative(repoRoot, f))
      .sort()
      .join(' ↔ '),
  );
  assert.deepEqual(found, []);
});
