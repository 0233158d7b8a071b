import { join } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError } from '../define.ts';
import type { Window } from '../grid.ts';
import { crsLabel, reprojectRings } from '../io/crs.ts';
import { writeSamples } from '../io/samplesStore.ts';
import { polygonBounds, rasterizePolygons, type Shape } from '../kernels/rasterizePolygons.ts';
import { readCompositeWindow } from '../raster/compositeStore.ts';
import type { Composite, Polygons } from '../values.ts';

const params = z.object({});

/** Bytes of composite data read at once (a strip of full rows of the polygons' x range). */
const STRIP_BYTES = 64 * 1024 * 1024;

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

function rasterExtent(c: Composite): number[] {
  const [ox, pw, , oy, , ph] = c.grid.geoTransform;
  const xs = [ox, ox + pw * c.grid.width];
  const ys = [oy, oy + ph * c.grid.height];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Concatenates chunks of typed arrays. */
function concat<T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const samplesFromPolygons = defineNode({
  type: 'samples.fromPolygons',
  version: 1,
  category: 'Samples',
  label: 'Sample polygons',
  description:
    'Takes every pixel whose centre lies inside a labelled polygon (even–odd rule, holes respected) and its feature vector; ' +
    'rows with any missing (NaN) feature are dropped. Polygons are reprojected to the raster CRS.',
  inputs: {
    composite: { type: 'Composite', label: 'Composite', description: 'Feature raster to sample' },
    polygons: { type: 'Polygons', label: 'Polygons', description: 'Labelled polygons (any CRS)' },
  },
  outputs: { samples: { type: 'Samples', label: 'Samples', description: 'Feature matrix, class and polygon id per pixel' } },
  params,
  async run(ctx, inputs) {
    const composite = inputs.composite as Composite;
    const polygons = inputs.polygons as Polygons;
    const grid = composite.grid;
    const nf = composite.features.length;
    const classIndex = new Map(polygons.classes.map((c, i) => [c, i]));
    const shapes: Shape[] = [];
    const classOf: number[] = [];
    for (const f of polygons.features) {
      const k = classIndex.get(f.className);
      if (k === undefined) throw new NodeError(`polygon ${f.id} has class "${f.className}", which is not in the polygons' classes [${polygons.classes.join(', ')}]`);
      let shape: Shape;
      try {
        shape = reprojectRings(f.polygons, polygons.crs, grid.crs);
      } catch (err) {
        throw new NodeError(`polygons from ${polygons.source}: ${(err as Error).message}`);
      }
      shapes.push(shape);
      classOf.push(k);
    }
    const bounds = shapes.map((s) => polygonBounds([s], grid));
    const inside = bounds.map((b, i) => (b ? i : -1)).filter((i) => i >= 0);
    if (inside.length === 0) {
      const pe = extentOf(shapes).map(fmt).join(', ');
      const re = rasterExtent(composite).map(fmt).join(', ');
      throw new NodeError(
        `polygons from ${polygons.source} (${crsLabel(polygons.crs)}) do not overlap the raster (${crsLabel(grid.crs)}) extent ` +
          `[${re}]; the polygons span [${pe}] in the raster CRS. Check the polygons' CRS (.prj) and that they belong to this AOI.`,
      );
    }
    // Full-row strips in row-major order: rows come out in the same order as numpy's X[labels >= 0].
    const yMin = Math.min(...inside.map((i) => bounds[i]!.y));
    const yMax = Math.max(...inside.map((i) => bounds[i]!.y + bounds[i]!.height));
    const stripRows = Math.max(1, Math.floor(STRIP_BYTES / Math.max(1, grid.width * nf * 4)));
    const totalStrips = Math.ceil((yMax - yMin) / stripRows);
    const nc = polygons.classes.length;
    const rowsPerClass = new Array<number>(nc).fill(0);
    const droppedPerClass = new Array<number>(nc).fill(0);
    // Per feature, pixels under the polygons without a value: a feature with none at all names the bad input.
    const missingPerFeature = new Array<number>(nf).fill(0);
    let underPolygons = 0;
    const pixelsPerPolygon = new Map<number, number>();
    const xs: Float32Array[] = [];
    const ys: Int32Array[] = [];
    const ids: Int32Array[] = [];
    for (let s = 0; s < totalStrips; s++) {
      if (ctx.signal.aborted) throw new NodeError('cancelled', { code: 'cancelled' });
      const y0 = yMin + s * stripRows;
      const y1 = Math.min(yMax, y0 + stripRows);
      const here = inside.filter((i) => bounds[i]!.y < y1 && bounds[i]!.y + bounds[i]!.height > y0);
      if (here.length) {
        const x0 = Math.min(...here.map((i) => bounds[i]!.x));
        const x1 = Math.max(...here.map((i) => bounds[i]!.x + bounds[i]!.width));
        const win: Window = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
        const owner = rasterizePolygons(here.map((i) => shapes[i]), grid, win);
        let n = 0;
        for (let p = 0; p < owner.length; p++) if (owner[p] >= 0) n++;
        if (n > 0) {
          const block = readCompositeWindow(composite, win);
          const X = new Float32Array(n * nf);
          const y = new Int32Array(n);
          const id = new Int32Array(n);
          let r = 0;
          for (let p = 0; p < owner.length; p++) {
            if (owner[p] < 0) continue;
            const fi = here[owner[p]];
            const cls = classOf[fi];
            const fid = polygons.features[fi].id;
            let ok = true;
            underPolygons++;
            for (let k = 0; k < nf; k++) {
              if (!Number.isFinite(block[p * nf + k])) {
                ok = false;
                missingPerFeature[k]++;
              }
            }
            if (!ok) {
              droppedPerClass[cls]++;
              continue;
            }
            X.set(block.subarray(p * nf, (p + 1) * nf), r * nf);
            y[r] = cls;
            id[r] = fid;
            rowsPerClass[cls]++;
            pixelsPerPolygon.set(fid, (pixelsPerPolygon.get(fid) ?? 0) + 1);
            r++;
          }
          xs.push(X.subarray(0, r * nf));
          ys.push(y.subarray(0, r));
          ids.push(id.subarray(0, r));
        }
      }
      ctx.progress(s + 1, totalStrips, 'strips');
    }
    const perClass = (a: number[]) => Object.fromEntries(polygons.classes.map((c, i) => [c, a[i]]));
    const empty = polygons.classes.findIndex((_, i) => rowsPerClass[i] === 0);
    if (empty >= 0) {
      const name = polygons.classes[empty];
      const nPoly = polygons.features.filter((f) => f.className === name).length;
      const nIn = inside.filter((i) => classOf[i] === empty).length;
      const never = composite.features.filter((_, k) => underPolygons > 0 && missingPerFeature[k] === underPolygons);
      const cause = never.length
        ? `: ${never.slice(0, 4).join(', ')}${never.length > 4 ? ` and ${never.length - 4} more` : ''} ${never.length > 1 ? 'have' : 'has'} no value under any polygon. ` +
          `The band files behind ${never.length > 1 ? 'them' : 'it'} may hold only 0 (no data) or be cloudy on every date: check that year's band files (e.g. in QGIS) and the cloud mask, then run again.`
        : ' (e.g. cloudy in every date). Add polygons for it or remove it from the classes.';
      throw new NodeError(
        `class "${name}" has no samples: ${nPoly} polygon(s), ${nIn} overlapping the raster, ` +
          `${droppedPerClass[empty]} pixel(s) dropped for missing features${cause}`,
        { code: 'empty-class' },
      );
    }
    const table = {
      features: composite.features,
      classes: polygons.classes,
      X: concat(xs, (n) => new Float32Array(n)),
      y: concat(ys, (n) => new Int32Array(n)),
      polygonId: concat(ids, (n) => new Int32Array(n)),
    };
    const samples = await writeSamples(join(ctx.workDir, 'samples.bin'), table);
    const dropped = droppedPerClass.reduce((a, b) => a + b, 0);
    return {
      outputs: { samples },
      summary: {
        rows: samples.rows,
        rowsPerClass: perClass(rowsPerClass),
        droppedRows: dropped,
        droppedPerClass: perClass(droppedPerClass),
        polygonsUsed: pixelsPerPolygon.size,
        polygonsOutsideRaster: shapes.length - inside.length,
        /** overlapping the raster but with no pixel centre inside, or only pixels with missing features */
        polygonsWithoutSamples: inside.length - pixelsPerPolygon.size,
        features: nf,
      },
    };
  },
});
