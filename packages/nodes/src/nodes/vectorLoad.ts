import { existsSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError, type ParamProblem } from '../define.ts';
import { crsLabel } from '../io/crs.ts';
import { readVector, vectorFiles } from '../io/vector.ts';
import { resolveClasses } from './vectorClasses.ts';
import { polygonsOnce } from './upstreamGraph.ts';

const params = z.object({
  path: z
    .string()
    .min(1)
    .describe(
      'Labelled polygons, relative to the data root: a shapefile (.shp with .dbf and .prj), a GeoJSON FeatureCollection, ' +
        'or a folder of shapefiles with one class per file (class = file name without a leading date/number, e.g. 2019_forest.shp → forest).',
    )
    .meta({ widget: 'path' }),
  classField: z
    .string()
    .min(1)
    .optional()
    .describe('Attribute holding the class name. Default: the file name for a folder, the "class" attribute (or else the file name) for a single file.'),
  classes: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'Class names in a fixed order (class ids = positions), e.g. ["water", "forest", "asgm"], so that ids stay the same across years. ' +
        'A polygon with another class, or a listed class with no polygon, is an error. No area or headline depends on this order. ' +
        'Default: the class names found, sorted (numerically when they are all numbers).',
    )
    .meta({ widget: 'classList' }),
  names: z
    .array(z.object({ label: z.string().min(1).describe('The value found in the class field, e.g. "1"'), name: z.string().min(1).describe('The class name, e.g. "water"') }).strict())
    .optional()
    .describe('Names for labels found in the polygons, e.g. [{"label": "1", "name": "water"}] for a numeric class field; labels not named keep their value, and classes keep the order of their numbers.')
    .meta({ widget: 'classList' }),
});

export { defaultClassOrder } from './vectorClasses.ts';

export const vectorLoad = defineNode({
  type: 'vector.load',
  version: 1,
  category: 'Vector',
  label: 'Load polygons',
  description: 'Reads labelled training polygons (shapefile, GeoJSON or a folder of shapefiles) in their own CRS.',
  inputs: {},
  outputs: { polygons: { type: 'Polygons', label: 'Polygons', description: 'Labelled polygons with their CRS' } },
  params,
  pathParams: ['path'],
  check(p, ctx) {
    const problems: ParamProblem[] = [];
    const abs = ctx.resolvePath(p.path, 'path');
    let files: string[];
    try {
      files = vectorFiles(abs).filter((f) => /\.(shp|geojson|json)$/i.test(f));
    } catch {
      return [{ param: 'path', message: `"${p.path}" does not exist: choose a shapefile, a GeoJSON file or a folder of shapefiles (path)` }];
    }
    const isDir = statSync(abs).isDirectory();
    if (files.length === 0) {
      problems.push({
        param: 'path',
        message: isDir
          ? `no .shp or .geojson file in folder "${p.path}": choose the folder that holds the labelled polygons (path)`
          : `"${p.path}" is not a shapefile or GeoJSON file: choose a .shp, .geojson or a folder of shapefiles (path)`,
      });
    }
    for (const shp of files.filter((f) => /\.shp$/i.test(f))) {
      const stem = shp.slice(0, -4);
      if (!['.prj', '.PRJ'].some((e) => existsSync(stem + e))) {
        problems.push({ param: 'path', message: `${basename(shp)} has no .prj file, so its coordinate system is unknown: save the layer again with its CRS (path)` });
      }
    }
    if (problems.length) return problems;
    // The polygons themselves (cheap: labels, geometry types, CRS), with the run's own checks and words.
    try {
      polygonsOnce(ctx, abs, p);
    } catch (e) {
      if (!(e instanceof NodeError)) throw e;
      return [{ message: e.message, ...(e.details.param ? { param: e.details.param } : {}) }];
    }
    return problems;
  },
  async fingerprint(p, ctx) {
    const files = vectorFiles(ctx.resolvePath(p.path, 'path'));
    return files
      .map((f) => {
        const s = statSync(f);
        return `${relative(ctx.dataRoot, f)}:${s.size}:${s.mtimeMs}`;
      })
      .join('|');
  },
  async run(ctx, _inputs, p) {
    const abs = ctx.resolvePath(p.path, 'path');
    const data = await readVector(abs, { classField: p.classField, param: 'path', shown: p.path });
    const { classes, found } = resolveClasses(data, p, abs);
    const perClass: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
    for (const f of data.features) perClass[f.className]++;
    const summary: Record<string, unknown> = {
      classes,
      foundClasses: found,
      polygons: data.features.length,
      polygonsPerClass: perClass,
      crs: crsLabel(data.crs),
      files: data.files.length,
    };
    if (data.skipped) summary.skippedNonPolygon = { count: data.skipped, types: data.skippedTypes };
    return {
      outputs: { polygons: { kind: 'Polygons', crs: data.crs, classes, features: data.features, source: p.path } },
      summary,
    };
  },
});
