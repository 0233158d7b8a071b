/** The AOI param: a polygon file in the data root (shapefile / GeoJSON, any CRS) or GeoJSON stored in the graph (lon/lat). */
import { z } from 'zod';
import { NodeError } from '../../errors.ts';
import { reprojectRings } from '../crs.ts';
import { readVector } from '../vector.ts';
import type { AoiGeometry } from './aoi.ts';

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
const ring = z.array(position).min(4);
const polygon = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) });
const multi = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) });
const geometry = z.union([polygon, multi]);
const feature = z.object({ type: z.literal('Feature'), geometry, properties: z.record(z.string(), z.unknown()).nullable().optional() });
const collection = z.object({ type: z.literal('FeatureCollection'), features: z.array(feature).min(1) });

export const aoiParam = z
  .union([z.string().min(1), geometry, feature, collection])
  .describe('Area of interest: a polygon file relative to the data root (.shp or .geojson, any CRS), or a GeoJSON Polygon/MultiPolygon/Feature/FeatureCollection in lon/lat (drawn on the map).');

export type AoiParam = z.infer<typeof aoiParam>;

export function geojsonPolygons(g: Exclude<AoiParam, string>): number[][][][] {
  if (g.type === 'FeatureCollection') return g.features.flatMap((f) => geojsonPolygons(f));
  if (g.type === 'Feature') return geojsonPolygons(g.geometry);
  if (g.type === 'Polygon') return [g.coordinates as number[][][]];
  return g.coordinates as number[][][][];
}

export async function readAoi(aoi: AoiParam, ctx: { resolvePath(relative: string, param: string): string }): Promise<AoiGeometry> {
  if (typeof aoi !== 'string') return { polygons: geojsonPolygons(aoi) };
  const file = ctx.resolvePath(aoi, 'aoi');
  const data = await readVector(file, { param: 'aoi', classField: undefined }).catch((e: Error) => {
    throw e instanceof NodeError ? e : new NodeError(`aoi: cannot read ${file}: ${e.message}`, { param: 'aoi', file });
  });
  const polygons = data.features.flatMap((f) => reprojectRings(f.polygons, data.crs, { epsg: 4326 }));
  if (polygons.length === 0) throw new NodeError(`aoi: ${file} has no polygon.`, { param: 'aoi', file });
  return { polygons };
}
