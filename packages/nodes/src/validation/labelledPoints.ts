/**
 * Labelled points against a sample design: each point's pixel, its stratum (the map value under it) and its
 * reference class(es), ready for the estimator. Errors name the point and say what to fix.
 */
import { NodeError } from '../errors.ts';
import { openRaster } from '../io/geotiff/read.ts';
import { readStrata } from './strata.ts';
import type { Points } from '../values.ts';
import { fieldNames, fromLonLat, pixelOf, type LabelRecord } from './pointsFile.ts';

export interface LabelledPoint {
  id: string;
  /** Stratum of the point's pixel in the design (validation/strata.ts). */
  stratum: number;
  /** Map codes under the point: [map] or [before, after]. */
  codes: number[];
  /** Reference class indices: [reference] or [before, after]. */
  reference: number[];
}

export interface LabelMatch {
  points: LabelledPoint[];
  unlabelled: number;
  /** Points on pixels without data in the map (not part of the sampled population). */
  outsideMap: number;
}

function classIndex(classes: string[], label: string, id: string, field: string, file: string): number {
  let k = classes.indexOf(label);
  if (k < 0) k = classes.findIndex((c) => c.toLowerCase() === label.toLowerCase());
  if (k < 0) {
    throw new NodeError(`Point ${id} in ${file}: ${field} "${label}" is not a class; use one of ${classes.join(', ')} (or leave it empty if the point is not labelled yet).`, { param: 'labels', file });
  }
  return k;
}

export async function matchLabels(design: Points, records: LabelRecord[], file: string): Promise<LabelMatch> {
  const { reference: refCols } = fieldNames(design.design);
  const missing = refCols.filter((c) => records.length > 0 && !records.some((r) => c in r.props));
  if (missing.length > 0) throw new NodeError(`${file} has no ${missing.join(' / ')} field: a ${design.design === 'map' ? 'map' : 'change'} sample is labelled in ${refCols.join(' and ')}.`, { param: 'labels', file });
  const rasters = await Promise.all(design.classFiles.map((f) => openRaster(f)));
  let toMap: ((lon: number, lat: number) => [number, number]) | undefined;
  const out: LabelledPoint[] = [];
  let unlabelled = 0, outsideMap = 0;
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.id)) throw new NodeError(`Point id ${r.id} appears twice in ${file}; every point needs its own id.`, { param: 'labels', file });
    seen.add(r.id);
    const labels = refCols.map((c) => (r.props[c] ?? '').trim());
    if (labels.some((l) => l === '')) { unlabelled++; continue; }
    const reference = labels.map((l, k) => classIndex(design.classes, l, r.id, refCols[k], file));
    let x = r.x, y = r.y;
    if (!(Number.isFinite(x) && Number.isFinite(y))) {
      if (!(Number.isFinite(r.lon) && Number.isFinite(r.lat))) throw new NodeError(`Point ${r.id} in ${file} has no position (x, y in the map's CRS or lon, lat).`, { param: 'labels', file });
      toMap ??= fromLonLat(design.grid.crs);
      [x, y] = toMap(r.lon!, r.lat!);
    }
    const px = pixelOf(design.grid, x!, y!);
    if (!px) throw new NodeError(`Point ${r.id} in ${file} (${x}, ${y}) lies outside the map.`, { param: 'labels', file });
    const spec = { design: design.design, nClasses: design.classes.length, ...(design.buffer ? { buffer: design.buffer } : {}) };
    const { strata, bands } = await readStrata(rasters, design.grid, spec, { x: px.col, y: px.row, width: 1, height: 1 });
    if (strata[0] < 0) { outsideMap++; continue; }
    out.push({ id: r.id, stratum: strata[0], codes: bands.map((b) => b[0]), reference });
  }
  return { points: out, unlabelled, outsideMap };
}
