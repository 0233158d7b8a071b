#!/usr/bin/env node
// `npm test`: typecheck, lint, then every *.test.ts with node's test runner (through tsx).
// Node 20's --test does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const skipDirs = new Set(['node_modules', 'dist', '.git', 'out', '.sentiflow-cache', 'demo-data', 'bench-data']);

function findTests(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

function step(label, cmd, args) {
  console.log(`\n▶ ${label}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(res.status ?? 1);
  }
}

const only = process.argv.slice(2);
if (only.length === 0) {
  step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('typecheck editor', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'apps/editor/tsconfig.json', '--noEmit']);
  step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '--max-warnings=0', '.']);
}
const files = (only.length ? only : findTests(root)).sort();
console.log(`\n▶ tests (${files.length} files)`);
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SENTIFLOW_TEST: '1' },
});
process.exit(res.status ?? 1);
