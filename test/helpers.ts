// Shared by integration tests: paths, the CLI as a user runs it, and skip reasons (from needs.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianPython, needs, python as pythonModules, repoRoot, sharedData as fixture, sharedDataDir } from './needs.ts';

export { debianPython, repoRoot };
export const sharedData = sharedDataDir;
// Skip reasons (false when present); with CI set a missing one throws (see needs.ts).
export const noSharedData = needs(fixture());
export const noNumpyGdal = needs(pythonModules('numpy', 'osgeo.gdal'));
export const noNotebookStack = needs(pythonModules('numpy', 'osgeo.gdal', 'xgboost', 'sklearn'));

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sentiflow-${prefix}-`));
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `sentiflow ...` as a user would (the bin script, a separate process). */
export function sentiflow(args: string[], options: { cwd?: string } = {}): CliResult {
  const res = spawnSync(process.execPath, [join(repoRoot, 'apps/runner/bin/sentiflow.mjs'), ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

export function writeGraph(dir: string, graph: unknown, name = 'graph.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(graph, null, 2));
  return path;
}

export function python(script: string, args: string[]): string {
  const res = spawnSync(debianPython, [script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`python ${script} failed: ${res.stderr}`);
  return res.stdout;
}
