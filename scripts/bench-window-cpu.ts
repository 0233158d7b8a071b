// CPU seconds of one thread evaluating composite windows of a GEE stack folder, split into reading (read +
// inflate, as evaluateCompositeWindow reads) and the whole window (read + kernel), so that per-window costs
// can be compared under load (thread CPU time, not wall time). Not part of `npm run bench`.
// usage: node --import tsx scripts/bench-window-cpu.ts <dir> [prefix_year] [windows]
import { describeSource, readSourceWindowInterleaved, readSourceWindowPlanar, sourceInterleave } from '../packages/nodes/src/io/rasterSource.ts';
import { evaluateCompositeWindow } from '../packages/nodes/src/raster/evaluateComposite.ts';
import { aggregateWindow } from '../packages/nodes/src/raster/aggregateTask.ts';
import { CompositeWriter } from '../packages/nodes/src/raster/compositeStore.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPECTRAL_INDICES } from '../packages/nodes/src/kernels/spectralIndices.ts';
import type { RasterSource, TimeSeries } from '../packages/nodes/src/values.ts';

const dir = process.argv[2];
const stem = process.argv[3] ?? 'S2_SR_demo_2019';
const count = Number(process.argv[4] ?? 8);
const bands = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
const sources: Record<string, RasterSource> = {};
for (const b of bands) sources[b] = (await describeSource([`${dir}/${stem}_${b}.tif`])).source;
const { source: cloud, info } = await describeSource([`${dir}/${stem}_probability.tif`]);
const indices = ['NDVI', 'NDWI', 'BSI'].map((n) => ({ name: n, expression: SPECTRAL_INDICES[n].expression }));
const variables = [...bands, ...indices.map((i) => i.name)];
const ts: TimeSeries = {
  kind: 'TimeSeries', grid: info.grid, dates: Array.from({ length: cloud.bandCount }, (_, i) => String(i)), bands: sources,
  cloud: { layer: 'probability', source: cloud }, dnOffset: 0, mask: { method: 'probability', threshold: 20 } as TimeSeries['mask'], indices, variables,
};
const spec = { variables, reducers: ['mean' as const] };
const across = Math.floor(info.grid.width / 256);
const windows = Array.from({ length: count }, (_, k) => ({ x: (k % across) * 256, y: Math.floor(k / across) * 256, width: 256, height: 256 }));

/** CPU seconds of this (single-threaded) process. */
function threadCpu(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
}
const writer = new CompositeWriter(join(tmpdir(), `bench-window-cpu-${process.pid}.f32`), info.grid, variables);
const readOnly = async (win: (typeof windows)[number]) => {
  for (const s of [...Object.values(sources), cloud]) await ((await sourceInterleave(s)) === 'band' ? readSourceWindowPlanar(s, win) : readSourceWindowInterleaved(s, win));
};
let sink = 0;
process.on('exit', () => writer.abort());
await evaluateCompositeWindow(ts, spec, windows[0]); // compile the kernel, open the files
for (let rep = 0; rep < 2; rep++) {
  let t = threadCpu();
  for (const w of windows) await readOnly(w);
  const read = threadCpu() - t;
  t = threadCpu();
  for (const w of windows) sink += (await evaluateCompositeWindow(ts, spec, w))[1000];
  const full = threadCpu() - t;
  t = threadCpu();
  for (const w of windows) sink += (await aggregateWindow.run({ series: ts, spec, window: w, into: { file: writer.scratchFile, width: info.grid.width } })).result.noData[0];
  const task = threadCpu() - t;
  const ms = (s: number) => ((s / windows.length) * 1000).toFixed(0);
  console.log(`per window: read ${ms(read)} ms, read + kernel ${ms(full)} ms, the whole task (+ write, no-data count) ${ms(task)} ms`);
void sink; // keeps the results alive
}
