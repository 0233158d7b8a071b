/**
 * Checks of nodes that join two inputs, run by validation from the params upstream (upstreamGraph.ts), with the
 * messages the run throws (the nodes import them from here): two years on different grids or with different
 * classes, a model applied to a composite without its features, polygons that miss the raster or cannot be
 * reprojected to it.
 */
import { NodeError, type CheckContext, type ParamProblem } from '../define.ts';
import { sameGrid, type Crs, type Grid } from '../grid.ts';
import { crsLabel, reprojectRings } from '../io/crs.ts';
import { polygonBounds, type Shape } from '../kernels/rasterizePolygons.ts';
import { featureColumns } from '../ml/nodeHelpers.ts';
import { aggregateFeatures, gridOf, loaderPolygons, modelTraining, upstreamVia } from './upstreamGraph.ts';

function gridText(g: Grid): string {
  return `${g.width}x${g.height} px, origin ${g.geoTransform[0]}, ${g.geoTransform[3]}, pixel ${g.geoTransform[1]} x ${g.geoTransform[5]}, ${g.crs.epsg ? `EPSG:${g.crs.epsg}` : 'CRS from WKT'}`;
}

export function differentGridsMessage(before: Grid, after: Grid): string {
  return `The two maps are on different grids: before ${gridText(before)}; after ${gridText(after)}. Classify both years on the same grid.`;
}

export function differentClassesMessage(before: string[], after: string[]): string {
  return `The two maps have different classes: before [${before.join(', ')}], after [${after.join(', ')}]. Use the same classes in the same order.`;
}

/** The classes of the class map reaching `input` (from the polygons its model was trained on), when known. */
export function mapClasses(ctx: CheckContext, input: string): string[] | undefined {
  return modelTraining(ctx, upstreamVia(ctx, input)).classes;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

export function changeDiffProblems(ctx: CheckContext): ParamProblem[] {
  const before = upstreamVia(ctx, 'before');
  const after = upstreamVia(ctx, 'after');
  const problems: ParamProblem[] = [];
  const gb = gridOf(ctx, before);
  const ga = gridOf(ctx, after);
  if (gb && ga && !sameGrid(gb, ga)) problems.push({ message: differentGridsMessage(gb, ga) });
  const cb = modelTraining(ctx, before).classes;
  const ca = modelTraining(ctx, after).classes;
  if (cb && ca && !sameList(cb, ca)) problems.push({ message: differentClassesMessage(cb, ca) });
  return problems;
}

export function modelClassifyProblems(ctx: CheckContext): ParamProblem[] {
  const composite = aggregateFeatures(ctx, upstreamVia(ctx, 'composite').find((u) => u.type === 's2.aggregate'));
  const trained = modelTraining(ctx, upstreamVia(ctx, 'model')).features;
  if (!composite || !trained) return [];
  try {
    featureColumns(trained, composite, 'composite');
    return [];
  } catch (e) {
    if (e instanceof NodeError) return [{ message: e.message }];
    throw e;
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(4);
}

function extentOf(shapes: Shape[]): number[] {
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  for (const s of shapes) for (const poly of s) for (const ring of poly) for (const [x, y] of ring) {
    e[0] = Math.min(e[0], x);
    e[1] = Math.min(e[1], y);
    e[2] = Math.max(e[2], x);
    e[3] = Math.max(e[3], y);
  }
  return e;
}

function rasterExtent(grid: Grid): number[] {
  const [ox, pw, , oy, , ph] = grid.geoTransform;
  const xs = [ox, ox + pw * grid.width];
  const ys = [oy, oy + ph * grid.height];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function reprojectFailedMessage(source: string, err: unknown): string {
  return `polygons from ${source}: ${(err as Error).message}. Save the polygons in the raster's CRS or in WGS 84 (EPSG:4326)`;
}

export function noOverlapMessage(source: string, crs: Crs, grid: Grid, shapes: Shape[]): string {
  return (
    `polygons from ${source} (${crsLabel(crs)}) do not overlap the raster (${crsLabel(grid.crs)}) extent ` +
    `[${rasterExtent(grid).map(fmt).join(', ')}]; the polygons span [${extentOf(shapes).map(fmt).join(', ')}] in the raster CRS. Check the polygons' CRS (.prj) and that they belong to this AOI.`
  );
}

/** @param never features with no value under any polygon (then the band files or the mask are the cause). */
export function classWithoutSamplesMessage(name: string, polygons: number, overlapping: number, dropped: number, never: string[] = []): string {
  const cause = never.length
    ? `: ${never.slice(0, 4).join(', ')}${never.length > 4 ? ` and ${never.length - 4} more` : ''} ${never.length > 1 ? 'have' : 'has'} no value under any polygon. ` +
      `The band files behind ${never.length > 1 ? 'them' : 'it'} may hold only 0 (no data) or be cloudy on every date: check that year's band files (e.g. in QGIS) and the cloud mask, then run again.`
    : ' (e.g. cloudy in every date). Add polygons for it or remove it from the classes.';
  return `class "${name}" has no samples: ${polygons} polygon(s), ${overlapping} overlapping the raster, ${dropped} pixel(s) dropped for missing features${cause}`;
}

export function samplesFromPolygonsProblems(ctx: CheckContext): ParamProblem[] {
  const grid = gridOf(ctx, upstreamVia(ctx, 'composite'));
  const polygons = loaderPolygons(ctx, upstreamVia(ctx, 'polygons').find((u) => u.type === 'vector.load'));
  if (!grid || !polygons) return [];
  let shapes: Shape[];
  try {
    shapes = polygons.features.map((f) => reprojectRings(f.polygons, polygons.crs, grid.crs));
  } catch (err) {
    return [{ message: reprojectFailedMessage(polygons.source, err) }];
  }
  const inside = shapes.map((s) => polygonBounds([s], grid) !== null);
  if (!inside.some(Boolean)) return [{ message: noOverlapMessage(polygons.source, polygons.crs, grid, shapes) }];
  // A class none of whose polygons reaches the raster gets no sample whatever the pixels hold.
  const problems: ParamProblem[] = [];
  for (const name of polygons.classes) {
    const mine = polygons.features.map((f, i) => (f.className === name ? i : -1)).filter((i) => i >= 0);
    if (!mine.some((i) => inside[i])) problems.push({ message: classWithoutSamplesMessage(name, mine.length, 0, 0) });
  }
  return problems.slice(0, 1);
}

/** XGBoost's multi-class objective needs two classes: known from the polygon loader feeding the samples. */
export function xgboostTrainingProblems(ctx: CheckContext): ParamProblem[] {
  const classes = modelTraining(ctx, ctx.upstream).classes;
  if (!classes || classes.length >= 2) return [];
  return [{ message: `XGBoost needs at least 2 classes; the samples have ${classes.length} (${classes.join(', ')}). Add polygons of another class to the polygon loader.` }];
}
