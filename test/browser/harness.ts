/**
 * What every browser test shares: the system Chromium and the flags it needs here (root, no network, SwiftShader
 * for WebGL), and a build of the editor that is redone only when its sources are newer than apps/editor/dist.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const editorDir = join(repoRoot, 'apps/editor');
/** Screenshots: test-output/screenshots/ (ignored by git); UPDATE_SCREENSHOTS=1 writes the committed docs/screenshots/. */
export const shots = join(repoRoot, process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-output/screenshots');
export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds apps/editor/dist when it is missing or older than the editor's sources. */
export function buildEditorIfMissing(): void {
  const index = join(editorDir, 'dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(editorDir, 'src'))) return;
  const res = spawnSync('npx', ['vite', 'build'], { cwd: editorDir, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`vite build failed:\n${res.stdout}\n${res.stderr}`);
}
