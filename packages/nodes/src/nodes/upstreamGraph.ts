/**
 * What a check can know about its inputs before any run, from the params of the nodes upstream and cheap file
 * metadata: the grid a loader's files are on, the classes and CRS of a polygon loader, the feature names of an
 * aggregate. Used by nodes that join two inputs (change.diff, model.classify, samples.fromPolygons) to reject,
 * in the run's words, the combinations the run would reject. Anything unknown is undefined: then no check.
 */
import type { CheckContext, UpstreamNode } from '../define.ts';
import type { Crs, Grid } from '../grid.ts';
import { readTiffHeader } from '../io/geotiff/header.ts';
import { findBandFiles } from '../io/rasterSource.ts';
import { featureName, type Reducer } from '../kernels/temporalReduce.ts';
import type { PolygonFeature } from '../values.ts';
import { L2A_BANDS } from './s2Load.ts';
import { s2LoadProblemsOnce } from './s2LoadCheck.ts';
import { remember } from './checkMemo.ts';
import { upstreamSeries } from './seriesUpstream.ts';
import { readVectorSync } from '../io/vectorScan.ts';
import { resolveClasses, type ClassParamsLike } from './vectorClasses.ts';

/** Nodes upstream of `start` (inclusive), nearest first, following the `inputs` of ctx.upstream. */
function walk(ctx: CheckContext, start: string[]): UpstreamNode[] {
  const byId = new Map(ctx.upstream.map((u) => [u.id, u]));
  const out: UpstreamNode[] = [];
  const seen = new Set<string>();
  let frontier = start;
  while (frontier.length) {
    const next: string[] = [];
    for (const id of frontier) {
      const n = byId.get(id);
      if (!n || seen.has(id)) continue;
      seen.add(id);
      out.push(n);
      next.push(...Object.values(n.inputs ?? {}));
    }
    frontier = next;
  }
  return out;
}

/** The nodes upstream of this node's input `input`, nearest first ([] when unconnected or unknown). */
export function upstreamVia(ctx: CheckContext, input: string): UpstreamNode[] {
  const from = ctx.inputs?.[input];
  return from ? walk(ctx, [from]) : [];
}

/** A check context as seen from the upstream node `node` (its own upstream and inputs). */
export function contextAt(ctx: CheckContext, node: UpstreamNode): CheckContext {
  return { ...ctx, upstream: walk(ctx, Object.values(node.inputs ?? {})), inputs: node.inputs ?? {} };
}

/** The grid of an s2.load's files, when its params and files pass its own checks. */
export function loaderGrid(ctx: CheckContext, load: UpstreamNode): Grid | undefined {
  if (load.type !== 's2.load') return undefined;
  return remember(ctx, `grid:${JSON.stringify(load.params)}`, () => gridOfLoader(ctx, load));
}

function gridOfLoader(ctx: CheckContext, load: UpstreamNode): Grid | undefined {
  const p = load.params as { dir?: unknown; prefix?: unknown; year?: unknown; bands?: unknown; cloudLayer?: unknown };
  if (typeof p.dir !== 'string' || typeof p.prefix !== 'string' || typeof p.year !== 'number') return undefined;
  try {
    const dir = ctx.resolvePath(p.dir, 'dir');
    const params = { dir: p.dir, prefix: p.prefix, year: p.year, bands: Array.isArray(p.bands) ? (p.bands as string[]) : [...L2A_BANDS], cloudLayer: (p.cloudLayer ?? 'probability') as 'probability' | 'scl' | 'none' };
    if (s2LoadProblemsOnce(ctx, dir, params).length) return undefined;
    const files = findBandFiles(dir, params.prefix, params.year, params.bands[0]);
    const origin = files.find((f) => !/-\d{10}-\d{10}\.tif$/i.test(f) || /-0000000000-0000000000\.tif$/i.test(f)) ?? files[0];
    const h = readTiffHeader(origin);
    if (files.length === 1) return h.grid;
    // GEE split tiles: the mosaic's extent from the tiles' offsets and sizes.
    let width = 0;
    let height = 0;
    for (const f of files) {
      const m = /-(\d{10})-(\d{10})\.tif$/i.exec(f)!;
      const t = readTiffHeader(f);
      width = Math.max(width, Number(m[2]) + t.width);
      height = Math.max(height, Number(m[1]) + t.height);
    }
    return { ...h.grid, width, height };
  } catch {
    return undefined;
  }
}

/** The grid of the series (or composite, or class map) reaching `nodes`: that of the nearest s2.load. */
export function gridOf(ctx: CheckContext, nodes: UpstreamNode[]): Grid | undefined {
  const load = nodes.find((u) => u.type.startsWith('s2.load'));
  return load ? loaderGrid(ctx, load) : undefined;
}

/** vector.load's polygons read and labelled, once per validation for the same file and params (also its own check). */
export function polygonsOnce(ctx: CheckContext, abs: string, p: ClassParamsLike & { classField?: string }) {
  return remember(ctx, `vector.load:${JSON.stringify([abs, p.classField, p.classes, p.names])}`, () => {
    const data = readVectorSync(abs, { classField: p.classField, param: 'path', shown: p.path });
    return { data, ...resolveClasses(data, p, abs) };
  });
}

/** Classes, CRS and polygons of a vector.load, when they pass its own checks. */
export function loaderPolygons(ctx: CheckContext, node: UpstreamNode | undefined): { classes: string[]; crs: Crs; features: PolygonFeature[]; source: string } | undefined {
  if (node?.type !== 'vector.load') return undefined;
  const p = node.params as unknown as ClassParamsLike & { classField?: string };
  if (typeof p.path !== 'string') return undefined;
  try {
    const { data, classes } = polygonsOnce(ctx, ctx.resolvePath(p.path, 'path'), p);
    return { classes, crs: data.crs, features: data.features, source: p.path };
  } catch {
    return undefined;
  }
}

/** Feature names of an s2.aggregate (`<VAR>_<AGG>`), when the series upstream of it is known. */
export function aggregateFeatures(ctx: CheckContext, agg: UpstreamNode | undefined): string[] | undefined {
  if (agg?.type !== 's2.aggregate') return undefined;
  const up = upstreamSeries(contextAt(ctx, agg));
  if (!up.known) return undefined;
  const vars = Array.isArray(agg.params.variables) && agg.params.variables.length ? (agg.params.variables as string[]) : up.variables;
  const reducers: Reducer[] = [...((agg.params.reducers as Reducer[] | undefined) ?? ['mean']), ...((agg.params.quantiles as number[] | undefined) ?? []).map((quantile) => ({ quantile }))];
  return vars.flatMap((v) => reducers.map((r) => featureName(v, r)));
}

/** The features and classes a model (reached through `nodes`) is trained on: from the samples node that feeds it. */
export function modelTraining(ctx: CheckContext, nodes: UpstreamNode[]): { features?: string[]; classes?: string[] } {
  const samples = nodes.find((u) => u.type === 'samples.fromPolygons');
  if (!samples) return {};
  const at = contextAt(ctx, samples);
  const agg = upstreamVia(at, 'composite').find((u) => u.type === 's2.aggregate');
  const polygons = loaderPolygons(ctx, upstreamVia(at, 'polygons').find((u) => u.type === 'vector.load'));
  return { features: aggregateFeatures(ctx, agg), classes: polygons?.classes };
}
