/**
 * `sentiflow serve`: the HTTP API, the event WebSocket and the built editor on one port. Binds loopback by
 * default; any other host needs a token, which every request must then carry.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { apiRouter } from './api.ts';
import { authMiddleware, isLoopbackHost, weakTokenReason } from './auth.ts';
import type { ServerDeps, ServerPool } from './deps.ts';
import { HttpError, errorHandler } from './errors.ts';
import { filesRouter } from './files.ts';
import { scanRouter } from './scan.ts';
import { pixelRouter } from './pixelValues.ts';
import { previewsRouter } from './previews.ts';
import { createPreviewRenderer } from './previewRenderer.ts';
import { labelsRouter } from './labels.ts';
import { compareRouter } from './compare.ts';
import { downloadsRouter } from './downloads.ts';
import { historyRouter } from './history.ts';
import { reportRouter } from './report.ts';
import { basemapRouter, checkBasemapTemplate, type BasemapOptions } from './basemap.ts';
import { RunRegistry } from './runs.ts';
import { staticRouter } from './static.ts';
import { attachEvents } from './websocket.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServerOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. A non-loopback host requires `token`. */
  host?: string;
  dataRoot: string;
  token?: string;
  /** Default <dataRoot>/runs. */
  outRoot?: string;
  /** Default <dataRoot>/.sentiflow-cache; null disables the cache. */
  cacheDir?: string | null;
  /** Default apps/editor/dist. */
  editorDist?: string;
  /** Default <repo>/graphs. */
  graphsDir?: string;
  /** Worker threads of the shared pool (default: CPU count). */
  workers?: number;
  /** JSON body limit, default '2mb'. */
  bodyLimit?: string | number;
  /** Runs at the same time (default 8); more get 429. */
  maxConcurrentRuns?: number;
  /** Finished runs whose events stay replayable in memory (default 20). */
  keepFinishedEvents?: number;
  /** Optional XYZ basemap under result maps (off unless given; fetched by the server for the editor). */
  basemap?: BasemapOptions;
  /** Replaces the engine, catalogue, pool or raster reader (tests). */
  deps?: Partial<ServerDeps>;
  log?: (msg: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8787;
  const token = options.token || undefined;
  const log = options.log ?? ((msg: string) => console.error(msg));
  if (!token && !isLoopbackHost(host)) {
    throw new Error(
      `refusing to listen on "${host}" without a token: anyone on the network could run graphs and read your data. ` +
        'Set a token (--token or SENTIFLOW_TOKEN) or use --host 127.0.0.1.',
    );
  }
  const weak = token ? weakTokenReason(token) : null;
  if (weak) throw new Error(`refusing to start with a weak token: ${weak}`);
  if (options.basemap) checkBasemapTemplate(options.basemap.url);
  const dataRoot = path.resolve(options.dataRoot);
  if (!existsSync(dataRoot) || !statSync(dataRoot).isDirectory()) throw new Error(`data root "${dataRoot}" is not a directory`);
  const outRoot = path.resolve(options.outRoot ?? path.join(dataRoot, 'runs'));
  const cacheDir = options.cacheDir === null ? null : path.resolve(options.cacheDir ?? path.join(dataRoot, '.sentiflow-cache'));
  mkdirSync(outRoot, { recursive: true });
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });

  const needed = ['catalog', 'catalogJson', 'validateGraph', 'createRun', 'createPool', 'openRaster'] as const;
  const given = options.deps ?? {};
  const deps: ServerDeps = needed.every((k) => given[k]) ? (given as ServerDeps) : { ...(await import('./defaultDeps.ts')).defaultDeps, ...given };

  // One pool for the whole server, started with the first run.
  let pool: ServerPool | null = null;
  const registry = new RunRegistry({
    dataRoot, outRoot, cacheDir, deps, log,
    getPool: () => (pool ??= deps.createPool(options.workers ?? 0)),
    maxConcurrentRuns: options.maxConcurrentRuns,
    keepFinishedEvents: options.keepFinishedEvents,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(authMiddleware(token));
  app.use('/api', express.json({ limit: options.bodyLimit ?? '2mb' }));
  app.use(apiRouter({ registry, deps, dataRoot, graphsDir: options.graphsDir ?? path.join(REPO, 'graphs') }));
  app.use(filesRouter(dataRoot));
  app.use(scanRouter(dataRoot));
  const previews = createPreviewRenderer();
  app.use(previewsRouter(registry, deps, previews));
  app.use(pixelRouter(registry, deps));
  app.use(labelsRouter(registry, dataRoot, deps.catalog));
  app.use(historyRouter(registry), downloadsRouter(registry), compareRouter(registry, deps), reportRouter(registry, dataRoot));
  app.use(basemapRouter(options.basemap));
  app.all('/api/{*rest}', (req) => {
    throw new HttpError(404, 'not-found', `no API route ${req.method} ${req.path}`);
  });
  app.use(staticRouter(options.editorDist ?? path.join(REPO, 'apps/editor/dist')));
  app.use(errorHandler(log));

  const server = createServer(app);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  const events = attachEvents(server, registry, token, log);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} on ${host} is already in use; pick another with --port`) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Request heads over the limit (--max-http-header-size, 16 KB) get a status instead of a dropped socket.
    if (err.code === 'HPE_HEADER_OVERFLOW' && socket.writable) {
      const body = JSON.stringify({ error: { code: 'headers-too-large', message: 'request headers are larger than 16 KB' } });
      socket.end(`HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    socket.destroy();
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port: actualPort,
    close: () =>
      (closing ??= (async () => {
        events.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await registry.cancelAll();
        await previews.close();
        const p = pool as ServerPool | null;
        await (p?.close?.() ?? p?.terminate?.());
      })()),
  };
}
