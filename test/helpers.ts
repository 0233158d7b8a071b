// Shared by integration tests: paths, the CLI as a user runs it, and skip reasons.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const sharedData = join(repoRoot, '..', 'shared', 'data');
export const noSharedData = existsSync(sharedData) ? false : `../shared/data is absent (${sharedData}): real-fixture tests skipped`;
export const debianPython = '/usr/bin/python3';

function pythonHas(modules: string): boolean {
  return existsSync(debianPython) && spawnSync(debianPython, ['-c', `import ${modules}`]).status === 0;
}
export const noNumpyGdal = pythonHas('numpy, osgeo.gdal') ? false : 'Debian python3-numpy/python3-gdal missing: numpy comparison skipped';
export const noNotebookStack = pythonHas('numpy, osgeo.gdal, xgboost, sklearn')
  ? false
  : 'Debian python3-numpy/gdal/xgboost/sklearn missing: notebook comparison skipped';

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
