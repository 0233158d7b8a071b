/** The JSON API: health, catalogue, examples, validation and runs (start, list, detail, cancel, files). */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { ServerDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import { resolveInside } from './files.ts';
import type { RunEntry, RunRegistry } from './runs.ts';
import { stacRouter } from './stac.ts';

const EXAMPLE_FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.json$/;

const validateBody = z.object({ graph: z.unknown() });
const startBody = z.object({ graph: z.unknown(), upTo: z.string().min(1).max(100).optional() });

export interface ApiOptions {
  registry: RunRegistry;
  deps: ServerDeps;
  dataRoot: string;
  graphsDir: string;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function getRun(registry: RunRegistry, id: string): RunEntry {
  const entry = registry.get(id);
  if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${id}"`);
  return entry;
}

function requireGraph(body: unknown): void {
  if (body === undefined || body === null || typeof body !== 'object' || !('graph' in body)) {
    throw new HttpError(400, 'bad-request', 'expected a JSON body { "graph": { ... } } (Content-Type: application/json)');
  }
}

export function apiRouter({ registry, deps, dataRoot, graphsDir }: ApiOptions): Router {
  const router = Router();
  const v = version();
  let catalog: unknown = null;

  router.use(stacRouter(dataRoot));

  router.get('/api/health', (_req, res) => {
    res.json({ ok: true, version: v });
  });

  router.get('/api/catalog', (_req, res) => {
    catalog ??= deps.catalogJson(deps.catalog);
    res.json(catalog);
  });

  router.get('/api/examples', async (_req, res) => {
    if (!existsSync(graphsDir)) return void res.json([]);
    const out: { file: string; name: string; description: string }[] = [];
    for (const file of (await readdir(graphsDir)).filter((f) => EXAMPLE_FILE.test(f)).sort()) {
      try {
        const g = JSON.parse(await readFile(path.join(graphsDir, file), 'utf8')) as { name?: unknown; description?: unknown };
        out.push({ file, name: typeof g.name === 'string' ? g.name : file, description: typeof g.description === 'string' ? g.description : '' });
      } catch {
        // not a graph file: not offered
      }
    }
    res.json(out);
  });

  router.get('/api/examples/:file', async (req, res) => {
    const file = req.params.file;
    if (!EXAMPLE_FILE.test(file)) throw new HttpError(400, 'bad-path', `"${file}" is not an example file name`);
    const full = path.join(graphsDir, file);
    if (!existsSync(full)) throw new HttpError(404, 'not-found', `no example "${file}"`);
    res.type('application/json').send(await readFile(full, 'utf8'));
  });

  router.post('/api/validate', (req, res) => {
    requireGraph(req.body);
    const { graph } = validateBody.parse(req.body);
    const { problems } = deps.validateGraph(graph, deps.catalog, { dataRoot });
    res.json({ problems });
  });

  router.post('/api/runs', (req, res) => {
    requireGraph(req.body);
    const body = startBody.parse(req.body);
    const { graph, problems } = deps.validateGraph(body.graph, deps.catalog, { dataRoot });
    if (!graph || problems.length) return void res.status(400).json({ problems });
    if (body.upTo && !graph.nodes.some((n) => n.id === body.upTo)) {
      return void res.status(400).json({ problems: [{ code: 'unknown-node', message: `upTo: the graph has no node "${body.upTo}"` }] });
    }
    let entry: RunEntry;
    try {
      entry = registry.start(graph, body.upTo);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'run-refused', (err as Error).message);
    }
    res.status(202).json({ runId: entry.runId });
  });

  router.get('/api/runs', (_req, res) => {
    res.json(registry.list().map((e) => ({ runId: e.runId, graphName: e.graphName, status: e.status, startedAt: e.startedAt })));
  });

  router.get('/api/runs/:id', (req, res) => {
    const e = getRun(registry, req.params.id);
    res.json({ runId: e.runId, graphName: e.graphName, status: e.status, startedAt: e.startedAt, graph: e.graph, report: e.report, nodes: e.nodes });
  });

  router.post('/api/runs/:id/cancel', (req, res) => {
    const e = getRun(registry, req.params.id);
    if (e.run && e.status === 'running') e.run.cancel();
    res.status(202).json({ runId: e.runId, status: e.status });
  });

  router.get('/api/runs/:id/files/{*path}', async (req, res) => {
    const e = getRun(registry, req.params.id);
    const segments = (req.params as unknown as { path?: string[] }).path ?? [];
    if (!existsSync(e.outDir)) throw new HttpError(404, 'not-found', `run "${e.runId}" has no output folder yet`);
    const file = await resolveInside(e.outDir, segments.join('/'));
    if (!(await stat(file)).isFile()) throw new HttpError(400, 'not-a-file', `"${segments.join('/')}" is not a file`);
    res.sendFile(file, { dotfiles: 'allow' });
  });

  return router;
}
