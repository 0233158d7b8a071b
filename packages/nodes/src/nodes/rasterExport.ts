/** raster.export: writes a Composite (or some of its features) as a tiled, DEFLATE float32 GeoTIFF. */
import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError, type ParamProblem } from '../define.ts';
import { aggregateFeatures } from './upstreamGraph.ts';
import { readCompositeWindow } from '../raster/compositeStore.ts';
import { writeGeoTiff } from '../io/geotiff/write.ts';

const params = z.object({
  fileName: z
    .string()
    .default('composite.tif')
    .describe('Name of the GeoTIFF written to the node\'s output folder; must end in .tif and contain no path separators.'),
  features: z
    .array(z.string())
    .optional()
    .describe('Features to export, in this order (e.g. ["B2_mean", "NDVI_std"]). Default: all features of the composite.'),
});

const badFileName = (name: string) => !/\.tiff?$/i.test(name) || /[\\/]/.test(name) || name.startsWith('.') || name.length > 200;

/** Problems of the params against the composite's feature names (unknown when undefined): validation and the run say the same. */
function exportProblems(p: { fileName: string; features?: string[] }, names: string[] | undefined): ParamProblem[] {
  const problems: ParamProblem[] = [];
  if (badFileName(p.fileName)) problems.push({ param: 'fileName', message: `file name "${p.fileName}" must be a plain name ending in .tif, e.g. composite_2019.tif, without folders (fileName)` });
  if (names && p.features?.length) {
    p.features.forEach((f, i) => {
      if (!names.includes(f)) problems.push({ param: `features.${i}`, message: `feature "${f}" is not in the composite (it has ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}): choose one of those (features)` });
    });
    const dup = p.features.find((f, i) => p.features!.indexOf(f) !== i);
    if (dup) problems.push({ param: 'features', message: `feature "${dup}" is listed twice: remove one (features)` });
  }
  return problems;
}

export const rasterExport = defineNode({
  type: 'raster.export',
  version: 1,
  category: 'Output',
  label: 'Export GeoTIFF',
  description:
    'Writes the composite as a float32 GeoTIFF (tiled 256 x 256, DEFLATE, pixel-interleaved), one band per feature with the feature name as band description, NoData = NaN, with the input\'s georeferencing. Opens in QGIS/GDAL.',
  inputs: { composite: { type: 'Composite', label: 'Composite' } },
  outputs: {},
  params,
  // The composite's feature names follow from the nearest aggregate's params and the series upstream of it.
  check: (p, ctx) => exportProblems(p, aggregateFeatures(ctx, ctx.upstream.find((u) => u.type === 's2.aggregate'))),
  async run(ctx, { composite }, p) {
    const first = exportProblems(p, composite.features)[0];
    if (first) throw new NodeError(first.message, { param: first.param });
    const names = p.features && p.features.length > 0 ? p.features : composite.features;
    const indices = names.map((f, i) => {
      const k = composite.features.indexOf(f);
      if (k < 0) throw new NodeError(`Unknown feature "${f}"; the composite has: ${composite.features.join(', ')}.`, { param: `features.${i}` });
      return k;
    });
    if (new Set(names).size !== names.length) throw new NodeError('A feature is listed twice.', { param: 'features' });
    const path = join(ctx.workDir, p.fileName);
    const nf = composite.features.length;
    await writeGeoTiff(path, {
      grid: composite.grid,
      bandCount: names.length,
      dataType: 'float32',
      noData: NaN,
      descriptions: names,
      signal: ctx.signal,
      readInterleaved: (win) => {
        const block = readCompositeWindow(composite, win);
        if (indices.length === nf && indices.every((k, i) => k === i)) return block; // the store's layout is the TIFF's
        const nb = indices.length;
        const n = win.width * win.height;
        const out = new Float32Array(n * nb);
        for (let p = 0; p < n; p++) for (let j = 0; j < nb; j++) out[p * nb + j] = block[p * nf + indices[j]];
        return out;
      },
      onProgress: (done, total) => ctx.progress(done, total, 'tiles'),
    });
    const g = composite.grid;
    return {
      outputs: {},
      files: [path],
      summary: { file: p.fileName, features: names, size: `${g.width} x ${g.height} px`, bands: names.length, crs: g.crs.epsg ? `EPSG:${g.crs.epsg}` : (g.crs.wkt ?? 'unknown') },
    };
  },
});
