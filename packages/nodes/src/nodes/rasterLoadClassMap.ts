/**
 * raster.loadClassMap: a class GeoTIFF made elsewhere (the notebooks, QGIS, another run) as a ClassMap, so any
 * map can be sampled, assessed and compared. Class names come from the param, else from the file's category
 * names (GDAL's .aux.xml) or its band description ("0=water, 1=forest" / "0 water, 1 forest").
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { chunkWindows, pixelAreaKm2 } from '../grid.ts';
import { openRaster, type RasterFile } from '../io/geotiff/read.ts';
import { NODATA_CODE, UNCERTAIN_CODE, UNCERTAIN_NAME } from '../values.ts';

const params = z.object({
  path: z.string().min(1).describe('Class GeoTIFF in the data root: one band of integer class codes 0..n-1 (254 = uncertain, 255 or the file\'s NoData = no data).').meta({ widget: 'file' }),
  classes: z.array(z.string().min(1)).max(254).default([])
    .describe('Class names in code order (code 0 first). Empty: from the file\'s category names (.aux.xml) or band description.'),
});

/** Category names GDAL keeps beside a GeoTIFF (`<CategoryNames><Category>…</Category>`), in code order. */
export function categoryNamesFromAux(xml: string): string[] {
  const block = /<CategoryNames>([\s\S]*?)<\/CategoryNames>/.exec(xml)?.[1];
  if (!block) return [];
  const names = [...block.matchAll(/<Category>([\s\S]*?)<\/Category>|<Category\s*\/>/g)].map((m) => (m[1] ?? '').trim());
  const classes = names.slice(0, UNCERTAIN_CODE);
  while (classes.length > 0 && classes[classes.length - 1] === '') classes.pop();
  return classes;
}

/** Class names from a band description listing codes, e.g. "class (0=water, 1=forest, 2=asgm)". */
export function classesFromDescription(text: string): string[] {
  const found = new Map<number, string>();
  for (const token of text.split(/[,;()]/)) {
    const m = /^\s*(?:.*[:\s])?(\d+)\s*(?:=|:|\s)\s*([A-Za-z][\w\- ]*?)\s*$/.exec(token);
    if (m && Number(m[1]) < UNCERTAIN_CODE) found.set(Number(m[1]), m[2]);
  }
  const out: string[] = [];
  for (let k = 0; found.has(k); k++) out.push(found.get(k)!);
  return out.length === found.size ? out : [];
}

export const rasterLoadClassMap = defineNode({
  type: 'raster.loadClassMap',
  version: 1,
  category: 'Input',
  label: 'Load class map',
  description:
    'Reads a class GeoTIFF made elsewhere (notebooks, QGIS, another run) as a class map: codes 0..n-1 are the classes, 254 uncertain, 255 (or the NoData value) no data. Class names from the classes param, else from the file (category names or band description). Use it to sample and assess any map, or compare two with Change (Diff).',
  inputs: {},
  outputs: { classMap: { type: 'ClassMap', label: 'Class map', preview: [{ kind: 'classes' }, { kind: 'probability' }] } },
  params,
  pathParams: ['path'],
  async run(ctx, _inputs, p) {
    const file = ctx.resolvePath(p.path, 'path');
    let f: RasterFile;
    try {
      f = await openRaster(file);
    } catch (e) {
      throw new NodeError(`Cannot read ${p.path} as a GeoTIFF: ${(e as Error).message}`, { param: 'path', file: p.path });
    }
    if (f.bandCount !== 1) throw new NodeError(`${p.path} has ${f.bandCount} bands; a class map has one band of class codes.`, { param: 'path', file: p.path });
    if (f.dataType.startsWith('float')) throw new NodeError(`${p.path} holds ${f.dataType} values; a class map holds integer class codes (a probability file is not a class map).`, { param: 'path', file: p.path });
    let classes = p.classes;
    let from = 'the classes param';
    if (classes.length === 0) {
      const aux = `${file}.aux.xml`;
      classes = existsSync(aux) ? categoryNamesFromAux(readFileSync(aux, 'utf8')) : [];
      from = 'its category names';
      if (classes.length === 0) { classes = classesFromDescription(f.descriptions[0] ?? ''); from = 'its band description'; }
      if (classes.length === 0) throw new NodeError(`${p.path} names no classes (no category names, no "0=name" band description); list them in the classes param, code 0 first.`, { param: 'classes' });
    }
    if (new Set(classes).size !== classes.length) throw new NodeError(`A class name is listed twice: ${classes.join(', ')}.`, { param: 'classes' });
    const n = classes.length;
    const counts = new Array<number>(n + 1).fill(0);
    const noData = f.noData;
    const windows = chunkWindows(f.grid, 512);
    let done = 0;
    for (const win of windows) {
      const [band] = await f.readWindow(win);
      for (let i = 0; i < band.length; i++) {
        const v = band[i];
        if (v === noData || v === NODATA_CODE) continue;
        if (v >= 0 && v < n) counts[v]++;
        else if (v === UNCERTAIN_CODE) counts[n]++;
        else {
          const col = win.x + (i % win.width), row = win.y + Math.floor(i / win.width);
          throw new NodeError(`${p.path} has the value ${v} at pixel (${col}, ${row}) but ${n} classes from ${from} (${classes.join(', ')}): codes must be 0..${n - 1}, 254 (uncertain) or 255 (no data). List every class in the classes param.`, { param: 'classes' });
        }
      }
      ctx.progress(++done, windows.length, 'tiles');
    }
    const km2 = pixelAreaKm2(f.grid);
    const classAreasKm2: Record<string, number> = Object.fromEntries(classes.map((c, k) => [c, counts[k] * km2]));
    if (counts[n] > 0) classAreasKm2[UNCERTAIN_NAME] = counts[n] * km2;
    return {
      outputs: { classMap: { kind: 'ClassMap', grid: f.grid, classes, classFile: file, classAreasKm2 } },
      summary: { classes, classesFrom: from, size: `${f.width} x ${f.height} px`, classAreasKm2: Object.fromEntries(Object.entries(classAreasKm2).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6])) },
    };
  },
});
