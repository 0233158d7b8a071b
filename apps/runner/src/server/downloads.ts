/**
 * Taking results away. Everything is confined to the run's output folder (no "..", no symlink out of it) and
 * sent with a Content-Disposition file name made of safe characters only.
 *   GET /api/runs/:id/outputs                          { outDir, files: [{ path, size }] } (where outputs are on disk)
 *   GET /api/runs/:id/download/{*path}                 any published output file as an attachment
 *   GET /api/runs/:id/nodes/:nodeId/table.csv?table=…  areas | transitions | transitionPixels | confusion | perClass
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Change, ClassMap, Metrics } from '@sentiflow/nodes/values.ts';
import { HttpError } from './errors.ts';
import { resolveInside } from './files.ts';
import type { RunEntry, RunRegistry } from './runs.ts';

export const TABLES = ['areas', 'transitions', 'transitionPixels', 'confusion', 'perClass'] as const;
const tableQuery = z.object({ table: z.enum(TABLES) }).strict();
const idParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/, 'ids are letters, digits, "_", "." and "-"');

/** A file name without path, quotes or control characters (the header cannot be split or spoofed). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 150);
  return clean || 'download';
}

export function attachment(res: Response, name: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${safeFileName(name)}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

function getRun(registry: RunRegistry, id: string): RunEntry {
  const entry = registry.get(idParam.parse(id));
  if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${id}"`);
  return entry;
}

/** One CSV field; text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
function field(v: unknown): string {
  // 12 significant digits: float noise (0.00030000000000000003) would otherwise reach the spreadsheet.
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(12))) : '';
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: unknown[][]): string {
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

function matrix(corner: string, labels: string[], m: number[][]): unknown[][] {
  return [[corner, ...labels], ...labels.map((l, i) => [l, ...(m[i] ?? [])])];
}

/** The rows of one table of a node's outputs, or a 400 that says which tables the node has. */
export function tableRows(outputs: unknown[], table: (typeof TABLES)[number], nodeId: string): unknown[][] {
  // Only values of the documented shape: a node may emit an output of the same kind without these fields.
  const of = <T>(kind: string, arrays: string[], objects: string[] = []): T | undefined =>
    outputs.find((v) => {
      const o = v as Record<string, unknown> | null;
      return o?.kind === kind && arrays.every((k) => Array.isArray(o[k])) && objects.every((k) => !!o[k] && typeof o[k] === 'object');
    }) as T | undefined;
  const change = of<Change>('Change', ['classes', 'transitionKm2', 'transitionPixels'], ['areaBeforeKm2', 'areaAfterKm2', 'changePercent']);
  const classMap = of<ClassMap>('ClassMap', ['classes'], ['classAreasKm2']);
  const metrics = of<Metrics>('Metrics', ['classes', 'confusion', 'perClass']);
  const offered = [
    ...(change || classMap ? ['areas'] : []),
    ...(change ? ['transitions', 'transitionPixels'] : []),
    ...(metrics ? ['confusion', 'perClass'] : []),
  ];
  const refuse = (): never => {
    throw new HttpError(400, 'no-table', `node "${nodeId}" has no "${table}" table; it offers: ${offered.join(', ') || 'none (no Change, ClassMap or Metrics output)'}`);
  };
  switch (table) {
    case 'areas':
      if (change) {
        const names = [...new Set([...Object.keys(change.areaBeforeKm2), ...Object.keys(change.areaAfterKm2)])];
        return [['class', 'before_km2', 'after_km2', 'change_percent'], ...names.map((c) => [c, change.areaBeforeKm2[c] ?? 0, change.areaAfterKm2[c] ?? 0, change.changePercent[c] ?? null])];
      }
      if (classMap) return [['class', 'area_km2'], ...Object.entries(classMap.classAreasKm2)];
      return refuse();
    case 'transitions':
    case 'transitionPixels':
      if (!change) return refuse();
      return matrix('from\\to', change.labels ?? change.classes, table === 'transitions' ? change.transitionKm2 : change.transitionPixels);
    case 'confusion':
      if (!metrics) return refuse();
      return matrix('true\\predicted', metrics.classes, metrics.confusion);
    case 'perClass':
      if (!metrics) return refuse();
      return [['class', 'precision', 'recall', 'f1', 'support'], ...metrics.perClass.map((p) => [p.className, p.precision, p.recall, p.f1, p.support])];
  }
}

async function walk(root: string, rel = ''): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name.includes('.tmp-')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile()) out.push({ path: r, size: (await stat(path.join(root, r))).size });
  }
  return out;
}

export function downloadsRouter(registry: RunRegistry): Router {
  const router = Router();

  router.get('/api/runs/:id/outputs', async (req, res) => {
    const e = getRun(registry, req.params.id);
    const files = existsSync(e.outDir) ? await walk(e.outDir) : [];
    res.json({ runId: e.runId, outDir: e.outDir, files: files.sort((a, b) => a.path.localeCompare(b.path)) });
  });

  router.get('/api/runs/:id/download/{*path}', async (req, res) => {
    const e = getRun(registry, req.params.id);
    const segments = (req.params as unknown as { path?: string[] }).path ?? [];
    const rel = segments.join('/');
    if (!existsSync(e.outDir)) throw new HttpError(404, 'not-found', `run "${e.runId}" has no output folder yet`);
    const file = await resolveInside(e.outDir, rel);
    if (!(await stat(file)).isFile()) throw new HttpError(400, 'not-a-file', `"${rel}" is not a file`);
    // e.g. run 20261201T…-ab12cd, classify19/classes.tif → 20261201T…-ab12cd_classify19_classes.tif
    attachment(res, `${e.runId}_${segments.join('_')}`);
    res.sendFile(file, { dotfiles: 'allow', headers: { 'Cache-Control': 'private, no-cache' } });
  });

  router.get('/api/runs/:id/nodes/:nodeId/table.csv', (req, res) => {
    const e = getRun(registry, req.params.id);
    const nodeId = idParam.parse(req.params.nodeId);
    const { table } = tableQuery.parse(req.query);
    const node = e.nodes[nodeId];
    if (!node) throw new HttpError(404, 'unknown-node', `run "${e.runId}" has no node "${nodeId}"`);
    if (!node.outputs) throw new HttpError(409, 'not-ready', `node "${nodeId}" has no outputs yet (status ${node.status})`);
    const csv = toCsv(tableRows(Object.values(node.outputs), table, nodeId));
    attachment(res, `${e.runId}_${nodeId}_${table}.csv`);
    res.type('text/csv; charset=utf-8').send(csv);
  });

  return router;
}
