/**
 * Labelling of sample points (validation.sample* outputs): the points and their labels, one label saved at a
 * time to a GeoJSON in the data root (atomic rewrite, serialised per file, so a closed browser loses nothing),
 * natural-colour chips around a point and its index time series (e.g. NDVI) from the imagery upstream of the
 * maps: the bands of both come from the composite's declared preview layers (`rgb`, `pointSeries`).
 *   GET /api/runs/:id/nodes/:nodeId/labels
 *   PUT /api/runs/:id/nodes/:nodeId/labels/:pointId            { reference: { reference_before: "<class>", … } }
 *   GET /api/runs/:id/nodes/:nodeId/labels/:pointId/chip.png?map=0&size=33
 *   GET /api/runs/:id/nodes/:nodeId/labels/:pointId/ndvi
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import type { Composite, Points, TimeSeries } from '@sentiflow/nodes/values.ts';
import { sameGrid } from '@sentiflow/nodes/grid.ts';
import { readCompositeWindow } from '@sentiflow/nodes/raster/compositeStore.ts';
import { readSourceWindow } from '@sentiflow/nodes/io/rasterSource.ts';
import { fieldNames, parseLabels, pixelOf, pointsCsv, pointsGeoJson, type LabelRecord, type PointRow } from '@sentiflow/nodes/validation/pointsFile.ts';
import { bandFeatures, rgbSpecOf, type PreviewSpec } from '@sentiflow/protocol';
import { writeFileAtomic } from '../engine/fsutil.ts';
import { declaredOutputs } from './declaredOutputs.ts';
import { HttpError } from './errors.ts';
import { encodePng } from './png.ts';
import type { RunEntry, RunRegistry } from './runs.ts';

const putBody = z.object({ reference: z.record(z.string().max(40), z.string().max(200)) });
const chipQuery = z.object({ map: z.coerce.number().int().min(0).max(1).default(0), size: z.coerce.number().int().min(9).max(129).default(33) });

interface Ctx { entry: RunEntry; nodeId: string; points: Points; catalog: readonly AnyNodeDefinition[] }

function pointsOf(registry: RunRegistry, catalog: readonly AnyNodeDefinition[], runId: string, nodeId: string): Ctx {
  const entry = registry.get(runId);
  if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${runId}"`);
  const node = entry.nodes[nodeId];
  const points = Object.values(node?.outputs ?? {}).find((v) => (v as { kind?: string } | null)?.kind === 'Points') as Points | undefined;
  if (!points) throw new HttpError(404, 'no-points', `node "${nodeId}" of run "${runId}" has no sample points`);
  return { entry, nodeId, points, catalog };
}

/** labels/<node>-<hash of the points>.geojson: the same sample (same map, seed) resumes the same file. */
function labelsPath(dataRoot: string, c: Ctx): { rel: string; full: string } {
  const hash = createHash('sha256').update(readFileSync(c.points.csvFile)).digest('hex').slice(0, 10);
  const rel = `labels/${c.nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}-${hash}.geojson`;
  return { rel, full: path.join(dataRoot, rel) };
}

function readRecords(c: Ctx, file: string): LabelRecord[] {
  const source = existsSync(file) ? file : c.points.geojsonFile;
  return parseLabels(readFileSync(source, 'utf8'), path.basename(source));
}

function toRows(records: LabelRecord[], columns: string[]): PointRow[] {
  return records.map((r) => ({ id: r.id, x: r.x!, y: r.y!, lon: r.lon!, lat: r.lat!, stratum: r.props.stratum ?? '', fields: Object.fromEntries(columns.map((k) => [k, r.props[k] ?? ''])) }));
}

/** The node feeding input `input` of `nodeId` in the run's graph. */
const upstream = (entry: RunEntry, nodeId: string, input?: string) =>
  (entry.graph?.links ?? []).filter((l) => l.to.node === nodeId && (input === undefined || l.to.input === input)).map((l) => l.from.node);

function findUpstream<T>(entry: RunEntry, start: string, kind: string, accept: (v: T) => boolean): { nodeId: string; value: T } | null {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const v = Object.values(entry.nodes[id]?.outputs ?? {}).find((o) => (o as { kind?: string } | null)?.kind === kind) as T | undefined;
    if (v && accept(v)) return { nodeId: id, value: v };
    queue.push(...upstream(entry, id));
  }
  return null;
}

/** A composite with the features of its declared natural-colour bands and its declared point series. */
interface ChipSource { nodeId: string; value: Composite; rgb: string[]; series?: Extract<PreviewSpec, { kind: 'pointSeries' }> }

/** The composites of node `id` that can show natural colour (their output declares `rgb` bands they have). */
function chipSources(c: Ctx, id: string): ChipSource[] {
  return declaredOutputs(c.entry, id, c.catalog).flatMap(({ value, spec }) => {
    const comp = value as Composite | null;
    const rgbSpec = rgbSpecOf(spec?.preview);
    if (comp?.kind !== 'Composite' || !rgbSpec || !sameGrid(comp.grid, c.points.grid)) return [];
    const rgb = bandFeatures(comp.features, rgbSpec.bands);
    const series = spec?.preview?.find((p): p is Extract<PreviewSpec, { kind: 'pointSeries' }> => p.kind === 'pointSeries');
    return rgb ? [{ nodeId: id, value: comp, rgb, ...(series ? { series } : {}) }] : [];
  });
}

/** The composite showing map k: upstream of the sample's k-th input, else the k-th composite on the grid. */
function compositeFor(c: Ctx, k: number): ChipSource | null {
  const inputs = c.points.design === 'map' ? ['map'] : ['before', 'after'];
  for (const from of upstream(c.entry, c.nodeId, inputs[k])) {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const found = chipSources(c, id)[0];
      if (found) return found;
      queue.push(...upstream(c.entry, id));
    }
  }
  const all = Object.keys(c.entry.nodes).flatMap((id) => chipSources(c, id));
  return all[k] ?? all[0] ?? null;
}

function pointPixel(c: Ctx, file: string, pointId: string): { col: number; row: number } {
  const r = readRecords(c, file).find((p) => p.id === pointId);
  if (!r) throw new HttpError(404, 'unknown-point', `no point "${pointId}"`);
  const px = pixelOf(c.points.grid, r.x!, r.y!);
  if (!px) throw new HttpError(400, 'outside', `point "${pointId}" lies outside the map`);
  return px;
}

export function labelsRouter(registry: RunRegistry, dataRoot: string, catalog: readonly AnyNodeDefinition[]): Router {
  const router = Router();
  const locks = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const next = (locks.get(key) ?? Promise.resolve()).then(fn, fn);
    locks.set(key, next.catch(() => undefined));
    return next;
  };
  const base = '/api/runs/:id/nodes/:nodeId/labels';

  router.get(base, (req, res) => {
    const c = pointsOf(registry, catalog, req.params.id, req.params.nodeId);
    const { rel, full } = labelsPath(dataRoot, c);
    const refCols = fieldNames(c.points.design).reference;
    // Blind interpretation: the map's classes and the strata are not sent to the person labelling.
    const points = readRecords(c, full).map((r) => ({ id: r.id, lon: r.lon, lat: r.lat, pixel: pixelOf(c.points.grid, r.x!, r.y!), reference: Object.fromEntries(refCols.map((k) => [k, r.props[k] ?? ''])) }));
    res.json({ grid: { width: c.points.grid.width, height: c.points.grid.height }, design: c.points.design, classes: c.points.classes, mapNames: c.points.mapNames, fields: refCols, labelsFile: rel, points,
      imagery: [0, c.points.design === 'map' ? -1 : 1].filter((k) => k >= 0).map((k) => compositeFor(c, k) !== null) });
  });

  router.put(`${base}/:pointId`, async (req, res) => {
    const c = pointsOf(registry, catalog, req.params.id, req.params.nodeId);
    const { reference } = putBody.parse(req.body);
    const { map: mapCols, reference: refCols } = fieldNames(c.points.design);
    for (const [k, v] of Object.entries(reference)) {
      if (!refCols.includes(k)) throw new HttpError(400, 'bad-field', `"${k}" is not a reference field; fields: ${refCols.join(', ')}`);
      if (v !== '' && !c.points.classes.includes(v)) throw new HttpError(400, 'bad-class', `"${v}" is not a class; classes: ${c.points.classes.join(', ')}`);
    }
    const { rel, full } = labelsPath(dataRoot, c);
    const result = await serial(full, async () => {
      const records = readRecords(c, full);
      const r = records.find((p) => p.id === req.params.pointId);
      if (!r) throw new HttpError(404, 'unknown-point', `no point "${req.params.pointId}"`);
      Object.assign(r.props, reference);
      mkdirSync(path.dirname(full), { recursive: true });
      const columns = [...mapCols, ...refCols];
      await writeFileAtomic(full, pointsGeoJson(toRows(records, columns), columns, { source: 'Sentiflow Label points view' }));
      await writeFileAtomic(full.replace(/\.geojson$/, '.csv'), pointsCsv(toRows(records, columns), columns));
      return records.filter((p) => refCols.every((k) => (p.props[k] ?? '') !== '')).length;
    });
    res.json({ labelsFile: rel, labelled: result });
  });

  router.get(`${base}/:pointId/chip.png`, (req, res) => {
    const c = pointsOf(registry, catalog, req.params.id, req.params.nodeId);
    const { map, size } = chipQuery.parse(req.query);
    const comp = compositeFor(c, map);
    if (!comp) throw new HttpError(404, 'no-imagery', 'no natural-colour composite upstream of this sample (a composite whose node declares natural-colour bands, with those bands)');
    const { col, row } = pointPixel(c, labelsPath(dataRoot, c).full, req.params.pointId);
    const g = c.points.grid, half = Math.floor(size / 2);
    const x0 = Math.max(0, Math.min(g.width - size, col - half)), y0 = Math.max(0, Math.min(g.height - size, row - half));
    const win = { x: Math.max(0, x0), y: Math.max(0, y0), width: Math.min(size, g.width), height: Math.min(size, g.height) };
    const block = readCompositeWindow(comp.value, win);
    const nf = comp.value.features.length;
    const idx = comp.rgb.map((f) => comp.value.features.indexOf(f));
    const rgba = new Uint8Array(win.width * win.height * 4);
    // Composites keep the inputs' units: DN (reflectance x 10000) from integer loaders, reflectance from others.
    let maxValue = 0;
    for (let i = 0; i < win.width * win.height; i++) for (const f of idx) { const v = block[i * nf + f]; if (Number.isFinite(v) && v > maxValue) maxValue = v; }
    const scale = maxValue > 2 ? 1e-4 : 1;
    for (let i = 0; i < win.width * win.height; i++) {
      // A fixed stretch of reflectance 0..0.18 (not per chip) so both years and all points look alike: dense
      // vegetation dark green, water dark, bare soil bright.
      idx.forEach((f, k) => { const v = block[i * nf + f] * scale; rgba[i * 4 + k] = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(255 * Math.sqrt(Math.max(0, v) / 0.18)))) : 0; });
      rgba[i * 4 + 3] = 255;
    }
    res.type('image/png').set('Cache-Control', 'private, max-age=3600').set('X-Point-Pixel', `${col - win.x},${row - win.y}`).send(encodePng(win.width, win.height, rgba));
  });

  router.get(`${base}/:pointId/ndvi`, async (req, res) => {
    const c = pointsOf(registry, catalog, req.params.id, req.params.nodeId);
    const { col, row } = pointPixel(c, labelsPath(dataRoot, c).full, req.params.pointId);
    const series = [];
    for (let k = 0; k < c.points.classFiles.length; k++) {
      const comp = compositeFor(c, k);
      // The normalised difference (a − b) / (a + b) of two bands that the composite's node declares (e.g. NDVI).
      const nd = comp?.series?.normalizedDifference;
      const ts = comp && nd && findUpstream<TimeSeries>(c.entry, comp.nodeId, 'TimeSeries', (t) => Boolean(t.bands[nd[0]] && t.bands[nd[1]]));
      if (!ts || !nd) { series.push({ map: c.points.mapNames[k], dates: [], ndvi: [] }); continue; }
      const t = ts.value;
      const win = { x: col, y: row, width: 1, height: 1 };
      const [ba, bb] = await Promise.all([readSourceWindow(t.bands[nd[0]], win), readSourceWindow(t.bands[nd[1]], win)]);
      const cloud = t.cloud && t.mask.method === 'probability' ? await readSourceWindow(t.cloud.source, win) : null;
      const threshold = t.mask.method === 'probability' ? t.mask.threshold : Infinity;
      const ndvi = t.dates.map((_, d) => {
        const a = ba[d][0] - t.dnOffset, b = bb[d][0] - t.dnOffset;
        if (ba[d][0] === 0 || bb[d][0] === 0 || (cloud && cloud[d][0] > threshold)) return null;
        return a + b === 0 ? null : (a - b) / (a + b);
      });
      series.push({ map: c.points.mapNames[k], dates: t.dates, ndvi });
    }
    res.json(series);
  });
  return router;
}
