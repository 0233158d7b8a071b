/**
 * One error catalogue (@sentiflow/protocol ERROR_CODES): every code the runner and the nodes answer or throw
 * is in it, with the same HTTP status and the right kind. Reads the sources, so a new code without an entry fails.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, errorWords, formatError, isErrorCode } from '@sentiflow/protocol';
import { repoRoot } from './needs.ts';

function sources(dir: string, found: string[] = []): string[] {
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) sources(rel, found);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !rel.includes('/testing/')) found.push(rel);
  }
  return found;
}

const files = [...sources('apps/runner/src'), ...sources('packages/nodes/src')];
const uses = (re: RegExp) =>
  files.flatMap((f) =>
    [...readFileSync(join(repoRoot, f), 'utf8').matchAll(re)].map((m) => ({ where: relative(repoRoot, join(repoRoot, f)), m })),
  );

test('every HTTP error the server sends is in the catalogue with its status', () => {
  const found = [...uses(/new HttpError\((\d+), '([\w-]+)'/g), ...uses(/sendError\(res, (\d+), '([\w-]+)'/g)];
  assert.ok(found.length >= 20, `found ${found.length} HTTP errors`);
  for (const { where, m } of found) {
    const info = isErrorCode(m[2]) ? ERROR_CODES[m[2]] : undefined;
    assert.ok(info, `${where}: code "${m[2]}" is not in ERROR_CODES (packages/protocol/src/errors.ts)`);
    if (info.kind === 'http') assert.equal(info.status, Number(m[1]), `${where}: "${m[2]}" answered with ${m[1]}`);
  }
});

test('every validation problem code and run-time code is in the catalogue', () => {
  const problems = uses(/problem\('([\w-]+)'/g);
  assert.ok(problems.length >= 10, `found ${problems.length} problem() calls`);
  for (const { where, m } of problems)
    assert.equal(ERROR_CODES[m[1] as keyof typeof ERROR_CODES]?.kind, 'validation', `${where}: problem code "${m[1]}"`);
  // zod's own issue codes (ctx.addIssue({ code: 'custom' })) are not ours.
  const runtime = uses(/(?<!addIssue\(\{ )\bcode: '([\w-]+)'/g);
  assert.ok(runtime.length >= 10, `found ${runtime.length} codes`);
  for (const { where, m } of runtime) assert.ok(isErrorCode(m[1]), `${where}: code "${m[1]}" is not in ERROR_CODES`);
});

test('plain words and templates', () => {
  assert.equal(errorWords('not-found'), 'not found');
  assert.equal(errorWords('no-such-code', 'bad gateway'), 'bad gateway');
  assert.equal(formatError('unknown-run', { runId: 'r1' }), 'unknown run "r1"');
  assert.equal(formatError('file-missing', { param: 'dir' }), 'param dir: "{path}" does not exist under the data root');
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^([a-z]+(-[a-z]+)*|E[A-Z]+)$/, 'kebab-case codes (or an errno name)');
    assert.ok(info.words.length > 0 && !info.words.endsWith('.'), `${code}: a few words, not a sentence`);
    assert.ok(info.template.length > 0, code);
  }
});
