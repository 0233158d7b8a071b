/**
 * demo.labelFromTruth: labels sample points from the synthetic demo's ground truth rasters, standing in for
 * the person who would label them from imagery. For the demo and tests only: the labels file says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import { sameGrid } from '../grid.ts';
import { openRaster } from '../io/geotiff/read.ts';
import { writeFileAtomicSync } from '../io/atomicFile.ts';
import { fieldNames, parseLabels, pixelOf, pointsCsv, pointsGeoJson, type PointRow } from '../validation/pointsFile.ts';

export const DEMO_TRUTH_SOURCE = 'demo ground truth';

const params = z.object({
  truth: z.array(z.string()).min(1).max(2).default(['demo/truth_2019.tif', 'demo/truth_2022.tif'])
    .describe('Ground-truth class rasters of the demo (truth_<year>.tif in the data root), one per map of the sample: [map] or [before, after].'),
});

export const demoLabelFromTruth = defineNode({
  type: 'demo.labelFromTruth',
  version: 1,
  category: 'Validation',
  label: 'Label from demo truth (demo only)',
  description:
    "DEMO ONLY: fills the reference fields of the sample points from the synthetic demo's ground truth (truth_<year>.tif), as a person labelling imagery would, so the area estimate can be checked against the known truth. Writes labels.geojson and labels.csv marked \"source\": \"demo ground truth\". Real maps are labelled in the Label points view.",
  inputs: { points: { type: 'Points', label: 'Points' } },
  outputs: { points: { type: 'Points', label: 'Labelled points' } },
  params,
  pathParams: ['truth'],
  async run(ctx, { points }, p) {
    const nMaps = points.design === 'map' ? 1 : 2;
    if (p.truth.length !== nMaps) throw new NodeError(`A ${points.design} sample needs ${nMaps} truth raster(s); got ${p.truth.length}.`, { param: 'truth' });
    const rasters = await Promise.all(p.truth.map(async (rel, i) => {
      const path = ctx.resolvePath(rel, `truth.${i}`);
      const f = await openRaster(path).catch((e: Error) => { throw new NodeError(`Cannot read the truth raster ${rel}: ${e.message}`, { param: `truth.${i}` }); });
      if (!sameGrid(f.grid, points.grid)) throw new NodeError(`${rel} is not on the map's grid (${f.width}x${f.height}); use the truth of the same demo scene.`, { param: `truth.${i}` });
      // truth.json beside the raster names the truth codes; the demo writes it, other truths use the map's order.
      const meta = join(dirname(path), 'truth.json');
      const names: string[] = existsSync(meta) ? (JSON.parse(readFileSync(meta, 'utf8')).classes ?? points.classes) : points.classes;
      return { f, names };
    }));
    const records = parseLabels(readFileSync(points.geojsonFile, 'utf8'), points.geojsonFile);
    const { map: mapCols, reference: refCols } = fieldNames(points.design);
    const rows: PointRow[] = [];
    for (const r of records) {
      const px = pixelOf(points.grid, r.x!, r.y!);
      if (!px) throw new NodeError(`Point ${r.id} lies outside the map.`, { code: 'point-outside-map' });
      const fields: Record<string, string> = {};
      mapCols.forEach((c) => { fields[c] = r.props[c] ?? ''; });
      for (let k = 0; k < nMaps; k++) {
        const code = (await rasters[k].f.readWindow({ x: px.col, y: px.row, width: 1, height: 1 }))[0][0];
        const name = rasters[k].names[code];
        const cls = name === undefined ? undefined : points.classes.find((c) => c.toLowerCase() === name.toLowerCase());
        fields[refCols[k]] = cls ?? '';
      }
      rows.push({ id: r.id, x: r.x!, y: r.y!, lon: r.lon!, lat: r.lat!, stratum: r.props.stratum ?? '', fields });
    }
    const geojsonFile = join(ctx.workDir, 'labels.geojson');
    const csvFile = join(ctx.workDir, 'labels.csv');
    const columns = [...mapCols, ...refCols];
    writeFileAtomicSync(geojsonFile, pointsGeoJson(rows, columns, { source: DEMO_TRUTH_SOURCE }));
    writeFileAtomicSync(csvFile, pointsCsv(rows, columns));
    const labelled = rows.filter((r) => refCols.every((c) => r.fields[c] !== '')).length;
    return {
      outputs: { points: { ...points, labelsFile: geojsonFile, labelsSource: DEMO_TRUTH_SOURCE } },
      files: [geojsonFile, csvFile],
      summary: { source: DEMO_TRUTH_SOURCE, labelled, notLabelled: rows.length - labelled, note: 'Labels from the synthetic ground truth, not from a person: for the demo only.' },
    };
  },
});
