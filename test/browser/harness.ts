/**
 * What every browser test shares: the system Chromium and the flags it needs here (root, no network, SwiftShader
 * for WebGL), a build of the editor that is redone only when its sources are newer than apps/editor/dist, and
 * `openEditor(t, …)`: a data root (with the demo AOI), the real server on a free loopback port, a fresh Chromium
 * profile on the editor, all removed when the test ends.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { generateDemoData, type DemoOptions } from '../../packages/nodes/src/demo/generate.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../apps/runner/src/server/index.ts';

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

export interface EditorOptions {
  /** Default 1366 × 768, the smallest laptop screen the editor is laid out for. */
  viewport?: { width: number; height: number };
  /** The demo AOI generated into <dataRoot>/demo (default 200 × 150 px, 8 dates a year); false: none. */
  demo?: false | Omit<DemoOptions, 'outDir'>;
  /** Runs on the data root before the server starts (graphs, fixtures to copy or break). */
  prepare?(dataRoot: string): void | Promise<void>;
  /** More server options (graphsDir, cacheDir, token, basemap, …), given the data root. */
  server?: Partial<ServerOptions> | ((dataRoot: string) => Partial<ServerOptions>);
  /** Open the editor and wait for the palette (default true); false leaves the page blank. */
  goto?: boolean;
  /** Name of the temporary data root. */
  name?: string;
}

export interface OpenedEditor {
  page: Page;
  ctx: BrowserContext;
  server: RunningServer;
  dataRoot: string;
  /** The Chromium profile folder (also a scratch folder: removed at the end). */
  profile: string;
  /** Uncaught page errors; most tests end with `assert.deepEqual(errors, [])`. */
  errors: string[];
}

export interface EditorServer {
  server: RunningServer;
  dataRoot: string;
  /** Stops the server and removes the data root. */
  close(): Promise<void>;
}

/** A data root (with the demo AOI) and the real server on it; for tests that share one server (`before`/`after`). */
export async function startEditorServer(options: Pick<EditorOptions, 'demo' | 'prepare' | 'server' | 'name'> = {}): Promise<EditorServer> {
  buildEditorIfMissing();
  const dataRoot = mkdtempSync(join(tmpdir(), `sentiflow-${options.name ?? 'browser'}-`));
  let server: RunningServer | null = null;
  const close = async () => {
    await server?.close();
    rmSync(dataRoot, { recursive: true, force: true });
  };
  try {
    if (options.demo !== false) await generateDemoData({ width: 200, height: 150, datesPerYear: 8, ...options.demo, outDir: join(dataRoot, 'demo') });
    await options.prepare?.(dataRoot);
    const extra = typeof options.server === 'function' ? options.server(dataRoot) : (options.server ?? {});
    server = await startServer({ port: 0, dataRoot, log: () => {}, ...extra });
  } catch (err) {
    await close();
    throw err;
  }
  return { server, dataRoot, close };
}

/** A fresh Chromium profile on `url` (the editor, unless `goto` is false), closed and removed after the test. */
export async function openBrowser(t: TestContext, url: string, options: Pick<EditorOptions, 'viewport' | 'goto'> = {}): Promise<Omit<OpenedEditor, 'server' | 'dataRoot'>> {
  const profile = mkdtempSync(join(tmpdir(), 'sentiflow-chromium-'));
  let ctx: BrowserContext | null = null;
  t.after(async () => {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  mkdirSync(shots, { recursive: true });
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 1366, height: 768 },
    acceptDownloads: true,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (options.goto !== false) {
    await page.goto(url);
    await page.getByTestId('palette-item-s2.load').waitFor();
  }
  return { page, ctx, profile, errors };
}

/** Data root, demo AOI, server and Chromium for one test; everything is closed and removed after it. */
export async function openEditor(t: TestContext, options: EditorOptions = {}): Promise<OpenedEditor> {
  const { server, dataRoot, close } = await startEditorServer(options);
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  try {
    browser = await openBrowser(t, server.url, options);
  } catch (err) {
    await close();
    throw err;
  }
  // After-hooks run in the order they were added: the browser closes first, then the server.
  t.after(close);
  return { server, dataRoot, ...browser };
}

/** Clicks what starts a run and waits for that run (not an earlier one) to end; returns its status and id. */
export async function runAndWait(page: Page, start: () => Promise<unknown> = () => page.getByTestId('run-button').click(), timeout = 240_000): Promise<{ status: string; runId: string }> {
  const before = await page.getByTestId('run-status').getAttribute('data-run-id');
  await start();
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid=run-status]');
    const s = el?.getAttribute('data-status');
    return !!el?.getAttribute('data-run-id') && el.getAttribute('data-run-id') !== prev && (s === 'done' || s === 'failed' || s === 'cancelled');
  }, before, { timeout });
  const status = page.getByTestId('run-status');
  return { status: (await status.getAttribute('data-status')) ?? '', runId: (await status.getAttribute('data-run-id')) ?? '' };
}

/** RGB of a PNG (e.g. a screenshot) at CSS-pixel points, decoded by the browser itself. */
export async function pixelsOf(page: Page, png: Buffer, points: [number, number][]): Promise<[number, number, number][]> {
  return page.evaluate(
    async ({ b64, points }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return points.map(([x, y]) => {
        const d = g.getImageData(Math.round(x), Math.round(y), 1, 1).data;
        return [d[0], d[1], d[2]] as [number, number, number];
      });
    },
    { b64: png.toString('base64'), points },
  );
}
