import { existsSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError, type ParamProblem } from '../define.ts';
import { crsLabel } from '../io/crs.ts';
import { readVector, vectorFiles } from '../io/vector.ts';

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

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** The default class order: numbers numerically (2 before 10), otherwise by name. */
export function defaultClassOrder(found: string[]): string[] {
  return found.every(isNumeric) ? [...found].sort((a, b) => Number(a) - Number(b)) : [...found].sort();
}

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
    const dup = p.classes?.find((c, i) => p.classes!.indexOf(c) !== i);
    if (dup) problems.push({ param: 'classes', message: `class "${dup}" is listed twice: remove one (classes)` });
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
    const data = await readVector(abs, { classField: p.classField, param: 'path' });
    // The default order is that of the labels as found (numbers numerically), before any renaming.
    const rawOrder = defaultClassOrder([...new Set(data.features.map((f) => f.className))]);
    const rename = p.names ? Object.fromEntries(p.names.map((n) => [n.label, n.name])) : undefined;
    if (rename) {
      const labels = new Set(data.features.map((f) => f.className));
      const unused = Object.keys(rename).filter((k) => !labels.has(k));
      if (unused.length) {
        throw new NodeError(`names: no polygon has the label ${unused.map((u) => `"${u}"`).join(', ')} (labels found: ${[...labels].join(', ')}). Fix or remove the entry.`, { param: 'names', file: abs });
      }
      for (const f of data.features) f.className = rename[f.className] ?? f.className;
    }
    const found = [...new Set(rawOrder.map((c) => rename?.[c] ?? c))];
    let classes: string[];
    if (p.classes && p.classes.length) {
      const dup = p.classes.find((c, i) => p.classes!.indexOf(c) !== i);
      if (dup) throw new NodeError(`class "${dup}" is listed twice in classes`, { param: 'classes' });
      const unknown = found.filter((c) => !p.classes!.includes(c));
      if (unknown.length) {
        const where = data.features.find((f) => f.className === unknown[0]);
        throw new NodeError(
          `class "${unknown[0]}" (polygon ${where?.id}) is not in the classes list [${p.classes.join(', ')}]` +
            (unknown.length > 1 ? `; other unlisted classes: ${unknown.slice(1).join(', ')}` : '') +
            '. Add it to classes or fix the label.',
          { param: 'classes', file: abs },
        );
      }
      const absent = p.classes.filter((c) => !found.includes(c));
      if (absent.length) {
        throw new NodeError(
          `class${absent.length > 1 ? 'es' : ''} ${absent.map((c) => `"${c}"`).join(', ')} in the classes list ha${absent.length > 1 ? 've' : 's'} no polygon in ${p.path} ` +
            `(classes found: ${found.join(', ')}). Remove ${absent.length > 1 ? 'them' : 'it'} from classes or fix the spelling.`,
          { param: 'classes', file: abs },
        );
      }
      classes = [...p.classes];
    } else {
      classes = found;
    }
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
