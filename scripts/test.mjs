#!/usr/bin/env node
// `npm test`: typecheck, lint, then every *.test.ts with node's test runner (through tsx), and a last line
// "N tests: N passed, N failed, N skipped". Node 20's --test does not expand globs, so the files are listed here.
// With CI set, a test whose fixture or tool is missing fails instead of skipping (test/needs.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// The spec reporter for people; a TAP copy in a temp file only for the counts of the summary line.
const tapDir = mkdtempSync(join(tmpdir(), 'sentiflow-test-'));
const tap = join(tapDir, 'report.tap');
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SENTIFLOW_TEST: '1' } },
);
let counts = {};
try {
  // The run's totals are the last "# <name> <n>" lines of the TAP report.
  for (const m of readFileSync(tap, 'utf8').matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) counts[m[1]] = Number(m[2]);
} catch {
  counts = {};
}
rmSync(tapDir, { recursive: true, force: true });
if (counts.tests === undefined) console.log('\nno test summary (the test runner did not finish)');
else {
  const extra = [counts.cancelled ? `${counts.cancelled} cancelled` : '', counts.todo ? `${counts.todo} todo` : ''].filter(Boolean);
  console.log(`\n${counts.tests} tests: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped${extra.length ? `, ${extra.join(', ')}` : ''}`);
}
process.exit(res.status ?? 1);
