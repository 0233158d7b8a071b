/**
 * Two runs' class maps against each other: where they disagree, as a map and as a cross-tabulation.
 *   GET /api/compare/classes.png?a=<run>&nodeA=<node>&b=<run>&nodeB=<node>[&maxSize=]  grey = same class,
 *       coloured = the class run B gives where it differs from run A
 *   GET /api/compare/classes.json?…  { labelsA, labelsB, pixels[a][b], km2[a][b], agreePercent, differKm2 }
 * Classes are matched by name, not code, so runs that list classes in another order compare correctly.
 */
import { Router } from 'express';
import { z } from 'zod';
import { pixelAreaKm2 } from '@sentiflow/nodes/grid.ts';
import { NODATA_CODE, UNCERTAIN_CODE, UNCERTAIN_NAME, type ClassMap } from '@sentiflow/nodes/values.ts';
import type { RasterReader, ServerDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import { classColor, hexToRgb } from './palette.ts';
import { encodePng } from './png.ts';
import { previewSize, sampleRaster } from './previewRender.ts';
import type { RunRegistry } from './runs.ts';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/);
const query = z.object({ a: id, nodeA: id, b: id, nodeB: id, maxSize: z.coerce.number().int().min(16).max(4096).default(1024) }).strict();
const SAME = '#d9d9d9';

function classMapOf(registry: RunRegistry, runId: string, nodeId: string): ClassMap {
  const entry = registry.get(runId);
  if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${runId}"`);
  const node = entry.nodes[nodeId];
  if (!node?.outputs) throw new HttpError(404, 'unknown-node', `run "${runId}" has no finished node "${nodeId}"`);
  const cm = Object.values(node.outputs).find((v) => (v as { kind?: string } | null)?.kind === 'ClassMap') as ClassMap | undefined;
  if (!cm) throw new HttpError(400, 'no-class-map', `node "${nodeId}" of run "${runId}" has no class map`);
  return cm;
}

/** Name of each code (0..n-1 classes, 254 uncertain); nodata and unknown codes are null. */
function codeNames(classes: string[]): (code: number) => string | null {
  return (code) => (code === UNCERTAIN_CODE ? UNCERTAIN_NAME : code === NODATA_CODE || !Number.isInteger(code) ? null : classes[code] ?? null);
}

/** Cross-tabulation of two equally sized code rasters (pure; NaN and nodata skipped). */
export function crossTab(a: ArrayLike<number>, b: ArrayLike<number>, nameA: (c: number) => string | null, nameB: (c: number) => string | null, labels: string[]): number[][] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const m = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < a.length; i++) {
    const x = nameA(a[i]);
    const y = nameB(b[i]);
    if (x === null || y === null) continue;
    m[index.get(x)!][index.get(y)!]++;
  }
  return m;
}

async function openPair(registry: RunRegistry, deps: ServerDeps, q: z.infer<typeof query>): Promise<{ a: ClassMap; b: ClassMap; ra: RasterReader; rb: RasterReader; labels: string[] }> {
  const a = classMapOf(registry, q.a, q.nodeA);
  const b = classMapOf(registry, q.b, q.nodeB);
  const [ra, rb] = await Promise.all([deps.openRaster(a.classFile), deps.openRaster(b.classFile)]);
  if (ra.width !== rb.width || ra.height !== rb.height) {
    throw new HttpError(400, 'grid-mismatch', `the class maps differ in size (${ra.width}×${ra.height} and ${rb.width}×${rb.height}); only maps of the same area can be compared`);
  }
  const labels = [...new Set([...a.classes, ...b.classes, UNCERTAIN_NAME])];
  return { a, b, ra, rb, labels };
}

export function compareRouter(registry: RunRegistry, deps: ServerDeps): Router {
  const router = Router();

  router.get('/api/compare/classes.png', async (req, res) => {
    const q = query.parse(req.query);
    const { a, b, ra, rb } = await openPair(registry, deps, q);
    const size = previewSize(ra, q.maxSize);
    const [[va], [vb]] = await Promise.all([sampleRaster(ra, [0], size), sampleRaster(rb, [0], size)]);
    const nameA = codeNames(a.classes);
    const nameB = codeNames(b.classes);
    const same = hexToRgb(SAME);
    const rgba = new Uint8Array(va.length * 4);
    for (let i = 0; i < va.length; i++) {
      const x = nameA(va[i]);
      const y = nameB(vb[i]);
      if (x === null || y === null) continue;
      const color = x === y ? same : y === UNCERTAIN_NAME ? [0, 0, 0] : hexToRgb(classColor(y, b.classes.indexOf(y)));
      rgba.set(color, i * 4);
      rgba[i * 4 + 3] = 255;
    }
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Cache-Control', 'private, max-age=600');
    res.end(encodePng(size.width, size.height, rgba));
  });

  router.get('/api/compare/classes.json', async (req, res) => {
    const q = query.parse(req.query);
    const { a, b, ra, rb, labels } = await openPair(registry, deps, q);
    const nameA = codeNames(a.classes);
    const nameB = codeNames(b.classes);
    const pixels = labels.map(() => labels.map(() => 0));
    const STRIP = 256;
    for (let y = 0; y < ra.height; y += STRIP) {
      const win = { x: 0, y, width: ra.width, height: Math.min(STRIP, ra.height - y) };
      const [[wa], [wb]] = await Promise.all([ra.readWindow(win), rb.readWindow(win)]);
      const m = crossTab(wa, wb, nameA, nameB, labels);
      m.forEach((row, i) => row.forEach((v, j) => (pixels[i][j] += v)));
    }
    const px = pixelAreaKm2(a.grid);
    const total = pixels.flat().reduce((s, v) => s + v, 0);
    const agree = labels.reduce((s, _, i) => s + pixels[i][i], 0);
    res.json({
      labels,
      legend: [{ label: 'same class in both runs', color: SAME }, ...b.classes.map((c, i) => ({ label: `run B says ${c}`, color: classColor(c, i) })), { label: `run B says ${UNCERTAIN_NAME}`, color: '#000000' }],
      pixels,
      km2: pixels.map((row) => row.map((v) => v * px)),
      agreePercent: total ? (100 * agree) / total : null,
      differKm2: (total - agree) * px,
    });
  });

  return router;
}
