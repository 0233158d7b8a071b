/**
 * What reading every file's header costs `validate`: the two-year example graph (graphs/asgm-change.json) against
 * (a) the real fixtures (flanders 2018/2019, 24 and 48 dates, 64 x 64 px) and (b) a full-size AOI stack made with
 * gdal_create: 3300 x 2200 px, 72 dates a year, ten bands + cloud probability, tiled DEFLATE, pixel- or
 * band-interleaved (band-interleaved has 72 x the tile offsets). "cold" = headers not yet read in this process
 * (every file's mtime bumped), "warm" = unchanged files (the editor validates on every edit); "without node
 * checks" = the same validation with every node's check() removed (schema, links, paths only).
 *
 *   node --import tsx scripts/measure-validate.ts [--keep <dir>]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeCatalog } from '../packages/nodes/src/catalog.ts';
import { validateGraph } from '../apps/runner/src/engine/validate.ts';
import { readTiffHeader } from '../packages/nodes/src/io/geotiff/header.ts';

const repo = new URL('..', import.meta.url).pathname;
const shared = process.env.SENTIFLOW_SHARED_DATA || join(repo, '..', 'shared', 'data');
const BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
const root = mkdtempSync(join(tmpdir(), 'sentiflow-measure-validate-'));

function example(dir: string, prefix: string, years: [number, number], cloudLayer: string, mask: string) {
  const g = JSON.parse(readFileSync(join(repo, 'graphs', 'asgm-change.json'), 'utf8'));
  for (const n of g.nodes) {
    if (n.type === 's2.load') Object.assign(n.params, { dir, prefix, year: n.id.endsWith('19') ? years[0] : years[1], cloudLayer });
    if (n.type === 's2.cloudMask') n.params = { method: mask };
    if (n.type === 'vector.load') n.params = { path: `${dir}/labels/training_polygons_epsg32631.geojson` };
  }
  return g;
}

function bigStack(dir: string, interleave: 'PIXEL' | 'BAND'): void {
  mkdirSync(dir, { recursive: true });
  const dates = Array.from({ length: 72 }, (_, i) => new Date(Date.UTC(2019, 0, 3 + 5 * i, 14, 10, 49)));
  for (const year of [2019, 2022]) {
    for (const layer of [...BANDS, 'probability']) {
      const f = join(dir, `S2_SR_big_${year}_${layer}.tif`);
      execFileSync('gdal_create', ['-q', '-of', 'GTiff', '-outsize', '3300', '2200', '-bands', '72', '-ot', layer === 'probability' ? 'Byte' : 'UInt16',
        '-a_srs', 'EPSG:32621', '-a_ullr', '700000', '560000', '733000', '538000', '-a_nodata', '0',
        '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', `INTERLEAVE=${interleave}`, '-co', 'SPARSE_OK=YES', f]);
      const ids = dates.map((d) => `${year}${d.toISOString().slice(4, 10).replace(/-/g, '')}T141049_${year}${d.toISOString().slice(4, 10).replace(/-/g, '')}T141044_T21NYF`);
      execFileSync('/usr/bin/python3', ['-c', `from osgeo import gdal\nimport json,sys\nds = gdal.Open(sys.argv[1], gdal.GA_Update)\nfor i, d in enumerate(json.loads(sys.argv[2])): ds.GetRasterBand(i + 1).SetDescription(d)\nds = None`, f, JSON.stringify(ids)]);
    }
  }
  cpSync(join(shared, 'worldcereal-flanders-31ues', 'labels'), join(dir, 'labels'), { recursive: true });
}

function bump(dir: string): void {
  const t = new Date();
  for (const f of readdirSync(dir)) if (f.endsWith('.tif')) utimesSync(join(dir, f), t, new Date(t.getTime() + Math.random() * 1000));
}

function time(label: string, g: unknown, dir: string): void {
  const ms = (cold: boolean) => {
    if (cold) bump(join(root, dir));
    const t0 = performance.now();
    const { problems } = validateGraph(g, nodeCatalog, { dataRoot: root });
    const dt = performance.now() - t0;
    // The labels are those of flanders: on the big stack only their position is wrong (no overlap).
    if (problems.some((p) => !/do not overlap|no samples/.test(p.message))) throw new Error(`${label}: ${problems.map((p) => p.message).join('\n')}`);
    return dt;
  };
  ms(false); // load modules, JIT
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cold = median(Array.from({ length: 7 }, () => ms(true)));
  const warm = median(Array.from({ length: 7 }, () => ms(false)));
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.tif'));
  const headers = median(Array.from({ length: 7 }, () => {
    bump(join(root, dir));
    const t0 = performance.now();
    for (const f of files) readTiffHeader(join(root, dir, f));
    return performance.now() - t0;
  }));
  const bare = nodeCatalog.map((d) => ({ ...d, check: undefined })) as typeof nodeCatalog;
  const base = median(Array.from({ length: 7 }, () => {
    const t0 = performance.now();
    validateGraph(g, bare, { dataRoot: root });
    return performance.now() - t0;
  }));
  console.log(`${label.padEnd(58)} without node checks ${base.toFixed(1)} ms; validate cold ${cold.toFixed(1).padStart(6)} ms, warm ${warm.toFixed(1).padStart(6)} ms; reading the ${files.length} headers ${headers.toFixed(1)} ms`);
}

cpSync(join(shared, 'worldcereal-flanders-31ues'), join(root, 'fl'), { recursive: true });
time('flanders fixtures (2 x 11 files, 24 + 48 dates, 64 x 64 px)', example('fl', 'S2_SR_flanders31ues', [2018, 2019], 'scl', 'scl'), 'fl');
bigStack(join(root, 'bigpixel'), 'PIXEL');
time('3300 x 2200 px, 72 dates, 2 x 11 files, pixel-interleaved', example('bigpixel', 'S2_SR_big', [2019, 2022], 'probability', 'probability'), 'bigpixel');
bigStack(join(root, 'bigband'), 'BAND');
time('3300 x 2200 px, 72 dates, 2 x 11 files, band-interleaved', example('bigband', 'S2_SR_big', [2019, 2022], 'probability', 'probability'), 'bigband');
if (!process.argv.includes('--keep')) rmSync(root, { recursive: true, force: true });
