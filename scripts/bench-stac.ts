// `node --import tsx scripts/bench-stac.ts [--small]`: reading a real-size AOI (3,300 x 2,200 px, 72 dates) from
// COGs on the local STAC server versus the same COGs on disk, with the same code (io/stac/cog.ts over an HTTP
// or a file ByteSource, 8 requests in flight), then s2.loadStac end to end on the server. Figures are printed,
// never asserted. To save disk and time, the COGs are two bands (B4, B8) of one year of the demo generator's
// output, split per date with `gdal_translate -of COG -b N` (DEFLATE, predictor 2, 512 px blocks).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import { generateDemoData, DEMO_EPSG } from '../packages/nodes/src/demo/generate.ts';
import { openCog, fileByteSource, httpByteSource, type ByteSource } from '../packages/nodes/src/io/stac/cog.ts';
import { HttpClient } from '../packages/nodes/src/io/stac/http.ts';
import { openRaster } from '../packages/nodes/src/io/geotiff/read.ts';
import { s2LoadStac } from '../packages/nodes/src/nodes/s2LoadStac.ts';
import type { NodeContext } from '../packages/nodes/src/define.ts';
import { startStacServer } from '../test/stac/server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const small = process.argv.includes('--small');
const size = small ? { width: 1100, height: 700, datesPerYear: 24 } : { width: 3300, height: 2200, datesPerYear: 72 };
const dataRoot = join(root, small ? 'bench-data-small' : 'bench-data', 'stac');
const demoDir = join(dataRoot, 'demo');
const cogDir = join(dataRoot, 'catalogue');
const YEAR = 2019;
const BANDS = { B4: 'red', B8: 'nir' } as const;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

// --tiled-fixture: instead of the demo generator (slow on a busy machine), tile the real Flanders B4/B8 patches
// (72 dates of 2018-2019) to the real size, written straight as per-date COGs by GDAL.
const tiledFixture = process.argv.includes('--tiled-fixture');
if (tiledFixture && !existsSync(join(cogDir, 'items.json'))) {
  const py = `import sys, os, json, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
src, out, W, H = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
srs = osr.SpatialReference(); srs.ImportFromEPSG(${DEMO_EPSG})
stacks = {b: np.concatenate([gdal.Open(f'{src}/S2_SR_flanders31ues_{y}_{b}.tif').ReadAsArray() for y in (2018, 2019)]) for b in ('B4', 'B8')}
items = []
for i in range(72):
    iid = f'S2A_T21NYF_2019{1 + i // 6:02d}{1 + (i % 6) * 5:02d}T140000_L2A'
    assets = {}
    for b, key in (('B4', 'red'), ('B8', 'nir')):
        a = np.tile(stacks[b][i], (H // 64 + 1, W // 64 + 1))[:H, :W]
        mem = gdal.GetDriverByName('MEM').Create('', W, H, 1, gdal.GDT_UInt16)
        mem.SetGeoTransform((700000, 10, 0, 560000, 0, -10)); mem.SetProjection(srs.ExportToWkt())
        mem.GetRasterBand(1).WriteArray(a)
        os.makedirs(f'{out}/cogs/{iid}', exist_ok=True)
        gdal.Translate(f'{out}/cogs/{iid}/{key}.tif', mem, format='COG', creationOptions=['COMPRESS=DEFLATE', 'PREDICTOR=2', 'OVERVIEWS=NONE'])
        assets[key] = {'href': f'cogs/{iid}/{key}.tif'}
    t = iid.split('_')[2]
    items.append({'type': 'Feature', 'id': iid, 'collection': 'bench', 'bbox': [-180, -90, 180, 90], 'properties': {'datetime': f'{t[:4]}-{t[4:6]}-{t[6:8]}T14:00:00Z', 's2:processing_baseline': '02.12'}, 'assets': assets})
json.dump({'items': items, 'collections': [{'id': 'bench'}]}, open(f'{out}/items.json', 'w'))
`;
  mkdirSync(cogDir, { recursive: true });
  const r = spawnSync('/usr/bin/python3', ['-c', py, join(root, '..', 'shared', 'data', 'worldcereal-flanders-31ues'), cogDir, String(size.width), String(size.height)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`COG generation failed: ${r.stderr}`);
}
if (!tiledFixture && !existsSync(join(demoDir, `S2_SR_demo_${YEAR}_B8.tif`))) {
  console.log(`generating one demo year in ${demoDir} (${size.width} x ${size.height} px, ${size.datesPerYear} dates; once)…`);
  const t0 = performance.now();
  await generateDemoData({ outDir: demoDir, ...size, years: [YEAR], seed: 7, prefix: 'S2_SR_demo' });
  console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

const stack = (b: string) => join(demoDir, `S2_SR_demo_${YEAR}_${b}.tif`);
const info = tiledFixture ? null : await openRaster(stack('B4'));
const dates = info ? info.descriptions.map((d) => d.slice(0, 15)) : Array.from({ length: 72 }, (_, i) => String(i));
const grid = info?.grid ?? { width: size.width, height: size.height, geoTransform: [700000, 10, 0, 560000, 0, -10], crs: { epsg: DEMO_EPSG } };
if (!existsSync(join(cogDir, 'items.json'))) {
  console.log(`splitting B4 and B8 into ${dates.length} COGs each (gdal_translate -of COG -b N)…`);
  const toLonLat = proj4(`+proj=utm +zone=${DEMO_EPSG - 32600} +datum=WGS84 +units=m +no_defs`, '+proj=longlat +datum=WGS84 +no_defs');
  const [x0, px, , y0, , py] = grid.geoTransform;
  const corners = [[x0, y0], [x0 + grid.width * px, y0], [x0 + grid.width * px, y0 + grid.height * py], [x0, y0 + grid.height * py]].map((p) => toLonLat.forward(p));
  const lons = corners.map((c) => c[0]), lats = corners.map((c) => c[1]);
  const bbox = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  const items = dates.map((d, i) => {
    const id = `S2A_T21NYF_${d}_L2A`;
    const assets: Record<string, unknown> = {};
    for (const [band, key] of Object.entries(BANDS)) {
      const dir = join(cogDir, 'cogs', id);
      mkdirSync(dir, { recursive: true });
      const out = join(dir, `${key}.tif`);
      const r = spawnSync('gdal_translate', ['-q', '-of', 'COG', '-b', String(i + 1), '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'OVERVIEWS=NONE', stack(band), out]);
      if (r.status !== 0) throw new Error(`gdal_translate failed: ${r.stderr}`);
      assets[key] = { href: `cogs/${id}/${key}.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', 'raster:bands': [{ scale: 0.0001, offset: 0 }] };
    }
    const t = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`;
    return { type: 'Feature', stac_version: '1.0.0', id, collection: 'bench', bbox, geometry: null,
      properties: { datetime: t, 'eo:cloud_cover': 0, 's2:processing_baseline': '02.12', 's2:mgrs_tile': '21NYF', 'proj:epsg': DEMO_EPSG }, assets, links: [] };
  });
  writeFileSync(join(cogDir, 'items.json'), JSON.stringify({ items, collections: [{ id: 'bench' }], aoi: corners }));
}

const meta = JSON.parse(readFileSync(join(cogDir, 'items.json'), 'utf8')) as { items: { id: string; assets: Record<string, { href: string }> }[] };
const hrefs = meta.items.flatMap((it) => Object.values(it.assets).map((a) => a.href));
const cogBytes = hrefs.reduce((s, h) => s + statSync(join(cogDir, h)).size, 0);
const server = await startStacServer({ root: cogDir, pageSize: 100 });

async function readAll(make: (href: string) => ByteSource, inFlight = 8): Promise<{ seconds: number; pixels: number }> {
  const t0 = performance.now();
  let next = 0;
  let pixels = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < hrefs.length) {
      const src = make(hrefs[next++]);
      const cog = await openCog(src);
      const data = await cog.readWindow({ x: 0, y: 0, width: cog.width, height: cog.height });
      pixels += data.length;
      await src.close?.();
    }
  }));
  return { seconds: (performance.now() - t0) / 1000, pixels };
}

console.log(`\n${hrefs.length} COGs (${dates.length} dates x ${Object.keys(BANDS).length} bands, ${size.width} x ${size.height} px), ${mb(cogBytes)} MiB`);
await readAll((h) => fileByteSource(join(cogDir, h))); // warm the page cache
const client = new HttpClient({ signal: new AbortController().signal, concurrency: 8 });
const disk: number[] = [];
const http: number[] = [];
for (let rep = 0; rep < 3; rep++) {
  disk.push((await readAll((h) => fileByteSource(join(cogDir, h)))).seconds);
  http.push((await readAll((h) => httpByteSource(client, `${server.url}/cogs/${h.replace(/^cogs\//, '')}`, h))).seconds);
}
const best = (a: number[]) => Math.min(...a);
console.log(`  disk (file ByteSource): best ${best(disk).toFixed(2)} s of ${disk.map((s) => s.toFixed(2)).join(', ')}`);
console.log(`  local STAC server (HTTP ranges): best ${best(http).toFixed(2)} s of ${http.map((s) => s.toFixed(2)).join(', ')}; ${client.stats.requests} requests`);
console.log(`  HTTP / disk = ${(best(http) / best(disk)).toFixed(2)}x (target <= 1.5x)`);

// End to end: search, read, harmonise, write the toBands() stacks, describe.
const workDir = join(root, 'out', 'bench-stac-node');
mkdirSync(workDir, { recursive: true });
for (const f of readdirSync(workDir)) if (f.endsWith('.tif')) spawnSync('rm', ['-f', join(workDir, f)]);
const [x0, px, , y0, , py] = grid.geoTransform;
const inv = proj4(`+proj=utm +zone=${DEMO_EPSG - 32600} +datum=WGS84 +units=m +no_defs`, '+proj=longlat +datum=WGS84 +no_defs');
const x1 = x0 + grid.width * px, y1 = y0 + grid.height * py;
const ring = [[x0 + 2, y0 - 2], [x1 - 2, y0 - 2], [x1 - 2, y1 + 2], [x0 + 2, y1 + 2], [x0 + 2, y0 - 2]].map((p) => inv.forward(p));
const ctx = {
  nodeId: 'bench', dataRoot, workDir, signal: new AbortController().signal,
  pool: { size: 1, run: async () => { throw new Error('no pool'); } },
  progress: () => {},
  resolvePath: (rel: string) => join(dataRoot, rel),
} as NodeContext;
const t0 = performance.now();
const res = await s2LoadStac.run(ctx, {}, s2LoadStac.params.parse({
  catalog: `${server.url}/stac`, collection: 'bench', aoi: { type: 'Polygon', coordinates: [ring] }, year: YEAR, bands: ['B4', 'B8'], cloudLayer: 'none',
}));
const s = res.summary as Record<string, unknown>;
console.log(`\ns2.loadStac end to end (search, ${s.dates} dates, read, write 2 toBands() stacks): ${((performance.now() - t0) / 1000).toFixed(1)} s, ` +
  `${s.requests} requests, ${mb(s.bytesRead as number)} MiB, grid ${s.grid}`);
await server.close();
