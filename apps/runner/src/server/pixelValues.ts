/**
 * GET /api/runs/:id/nodes/:nodeId/pixel?x=<col>&y=<row> → what a node's map holds at one pixel, for the map's
 * read-out under the cursor: the class name and per-class probabilities of a class map, the feature values of
 * a composite, the transition and probability changes of a change map, plus map coordinates in the grid's CRS.
 */
import { Router } from 'express';
import { z } from 'zod';
import { readCompositeWindow } from '@sentiflow/nodes/raster/compositeStore.ts';
import { NODATA_CODE, UNCERTAIN_CODE, UNCERTAIN_NAME, type Change, type ClassMap, type Composite } from '@sentiflow/nodes/values.ts';
import type { Grid } from '@sentiflow/nodes/grid.ts';
import type { ServerDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import type { RunRegistry } from './runs.ts';
import type { PixelAnswer, PixelValue } from '@sentiflow/protocol';

const query = z.object({ x: z.coerce.number().int().min(0).max(1e7), y: z.coerce.number().int().min(0).max(1e7) });



const finite = (v: number) => (Number.isFinite(v) ? v : null);

function className(code: number, classes: string[]): string {
  if (code === UNCERTAIN_CODE) return UNCERTAIN_NAME;
  if (code === NODATA_CODE) return 'no data';
  return classes[code] ?? `code ${code}`;
}

export function pixelRouter(registry: RunRegistry, deps: ServerDeps): Router {
  const router = Router();
  router.get('/api/runs/:id/nodes/:nodeId/pixel', async (req, res) => {
    const parsed = query.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, 'bad-request', 'x and y must be whole pixel numbers (column and row), e.g. ?x=120&y=48');
    const { x, y } = parsed.data;
    const entry = registry.get(req.params.id);
    if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${req.params.id}"`);
    const node = entry.nodes[req.params.nodeId];
    if (!node?.outputs) throw new HttpError(409, 'not-ready', `node "${req.params.nodeId}" has no results in this run`);
    const outputs = Object.values(node.outputs) as { kind?: string; grid?: Grid }[];
    const withGrid = outputs.find((o) => o?.grid)?.grid ?? findGrid(entry.nodes);
    if (!withGrid) throw new HttpError(400, 'no-map', 'this node has no map output');
    if (x >= withGrid.width || y >= withGrid.height) throw new HttpError(400, 'outside', `pixel (${x}, ${y}) is outside the ${withGrid.width} × ${withGrid.height} map`);
    const win = { x, y, width: 1, height: 1 };
    const read = async (file: string) => (await (await deps.openRaster(file)).readWindow(win)).map((b) => Number(b[0]));
    const values: PixelValue[] = [];
    for (const o of outputs) {
      if (o?.kind === 'Composite') {
        const c = o as unknown as Composite;
        const block = readCompositeWindow(c, win);
        c.features.forEach((f, i) => values.push({ label: f, value: finite(block[i]) }));
      } else if (o?.kind === 'ClassMap') {
        const m = o as unknown as ClassMap;
        const [code] = await read(m.classFile);
        values.push({ label: 'class', value: code, text: className(code, m.classes) });
        if (m.probabilityFile) (await read(m.probabilityFile)).forEach((p, i) => values.push({ label: `p(${m.classes[i] ?? i})`, value: finite(p) }));
      } else if (o?.kind === 'Change') {
        const ch = o as unknown as Change;
        const n = ch.classes.length;
        const [code] = await read(ch.transitionFile);
        const text = code === NODATA_CODE || code >= n * n ? 'no data' : `${ch.classes[Math.floor(code / n)]} → ${ch.classes[code % n]}`;
        values.push({ label: 'transition', value: code, text });
        for (const [c, file] of Object.entries(ch.probabilityDiffFiles ?? {})) values.push({ label: `Δp(${c})`, value: finite((await read(file))[0]) });
      }
    }
    const g = withGrid.geoTransform;
    const answer: PixelAnswer = {
      x,
      y,
      easting: g[0] + (x + 0.5) * g[1] + (y + 0.5) * g[2],
      northing: g[3] + (x + 0.5) * g[4] + (y + 0.5) * g[5],
      crs: withGrid.crs.epsg ? `EPSG:${withGrid.crs.epsg}` : 'unknown CRS',
      values,
    };
    res.json(answer);
  });
  return router;
}

/** A change map carries no grid: use any grid of the run (both class maps share it). */
function findGrid(nodes: Record<string, { outputs?: Record<string, unknown> }>): Grid | undefined {
  for (const n of Object.values(nodes)) for (const o of Object.values(n.outputs ?? {})) if ((o as { grid?: Grid })?.grid) return (o as { grid: Grid }).grid;
  return undefined;
}
