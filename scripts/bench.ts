// `npm run bench`: real-size AOI (3,300 x 2,200 px, 72 dates, two years), one run of graphs/asgm-change.json,
// figures printed (never asserted). `-- --small` uses a 1,100 x 700 px, 24-date AOI; `-- --layout pixel|band|striped`
// picks the GeoTIFF layout the demo generator writes (pixel-interleaved tiles by default; band = INTERLEAVE=BAND
// tiles; striped = pixel-interleaved strips), each in its own bench-data/<layout>; `-- --notebook` also times
// scripts/notebook_reference.py (numpy + GDAL + xgboost) and `-- --dask` scripts/dask_reference.py (dask + rasterio,
// needs Debian python3-dask and python3-rasterio) on the same files.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { generateDemoData } from '../packages/nodes/src/demo/generate.ts';
import type { RunReport } from '../apps/runner/src/engine/types.ts';
import { createWorkerPool } from '../apps/runner/src/pool/workerPool.ts';
import { DEFAULT_TASK_MODULE } from '../apps/runner/src/engine/run.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const small = process.argv.includes('--small');
const size = small ? { width: 1100, height: 700, datesPerYear: 24 } : { width: 3300, height: 2200, datesPerYear: 72 };
const layoutArg = process.argv.indexOf('--layout');
const layout = (layoutArg > 0 ? process.argv[layoutArg + 1] : 'pixel') as 'pixel' | 'band' | 'striped';
if (!['pixel', 'band', 'striped'].includes(layout)) throw new Error(`--layout must be pixel, band or striped (got "${layout}")`);
const dataRoot = join(root, small ? 'bench-data-small' : 'bench-data', layout);
const demoDir = join(dataRoot, 'demo');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Spawns a command, samples its peak RSS (VmHWM) from /proc while it runs. */
function timed(cmd: string, args: string[], quiet = false): Promise<{ seconds: number; peakRssMb: number; code: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
    let peakKb = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 100);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ seconds: (performance.now() - t0) / 1000, peakRssMb: peakKb / 1024, code: code ?? 1 });
    });
  });
}

async function readFloor(files: string[], workers: number, decoder: 'libdeflate' | 'zlib'): Promise<{ seconds: number; compressed: number; raw: number; backend: string }> {
  const t0 = performance.now();
  const parts = Array.from({ length: workers }, (_, i) => files.filter((_, j) => j % workers === i));
  const results = await Promise.all(
    parts.map(
      (part) =>
        new Promise<{ compressed: number; raw: number; backend: string }>((resolve, reject) => {
          const env = { ...process.env, SENTIFLOW_DEFLATE: decoder === 'zlib' ? 'zlib' : '' };
          const w = new Worker(new URL('./bench-floor-worker.mjs', import.meta.url), { workerData: { files: part }, env });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  return {
    seconds: (performance.now() - t0) / 1000,
    compressed: results.reduce((s, r) => s + r.compressed, 0),
    raw: results.reduce((s, r) => s + r.raw, 0),
    backend: results[0].backend,
  };
}

if (!existsSync(join(demoDir, 'truth.json'))) {
  console.log(`generating the benchmark AOI in ${demoDir} (${size.width} x ${size.height} px, ${size.datesPerYear} dates x 2 years, layout ${layout}; once)…`);
  const t0 = performance.now();
  const pool = createWorkerPool({ size: availableParallelism(), taskModule: DEFAULT_TASK_MODULE });
  await generateDemoData({ outDir: demoDir, ...size, seed: 7, pool, layout }).finally(() => pool.close());
  console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const inputs = readdirSync(demoDir).filter((f) => f.endsWith('.tif') && !f.startsWith('truth')).map((f) => join(demoDir, f));
const workers = availableParallelism();

// Warm the page cache first, so the floor and the run read the same (cached) bytes: otherwise whichever goes
// first pays the disk.
console.log(`\nwarming the page cache (${inputs.length} files)…`);
for (const f of inputs) await pipeline(createReadStream(f, { highWaterMark: 1 << 22 }), new Writable({ write: (_c, _e, cb) => cb() }));

console.log(`floor: read + inflate every input byte once (${workers} threads)…`);
const floor = await readFloor(inputs, workers, 'libdeflate');
console.log(`  ${mb(floor.compressed)} MiB compressed → ${mb(floor.raw)} MiB raw in ${floor.seconds.toFixed(1)} s (${floor.backend}, what Sentiflow uses)`);
const floorZlib = await readFloor(inputs, workers, 'zlib');
console.log(`  the same with node:zlib: ${floorZlib.seconds.toFixed(1)} s`);

const out = join(root, 'out', small ? 'bench-small' : 'bench');
const cache = join(root, 'out', small ? 'bench-small-cache' : 'bench-cache');
rmSync(cache, { recursive: true, force: true });
console.log('\nsentiflow run graphs/asgm-change.json (cold cache)…');
const run = await timed(process.execPath, [
  join(root, 'apps/runner/bin/sentiflow.mjs'), 'run', join(root, 'graphs/asgm-change.json'),
  '--data-root', dataRoot, '--out', out, '--cache-dir', cache,
]);
const report = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunReport;
const px = size.width * size.height;

console.log('\nper node (wall time):');
for (const [id, node] of Object.entries(report.nodes)) {
  const secs = (node.duration ?? 0) / 1000; // run.json durations are in ms
  const perPx = ['s2.aggregate', 'model.classify'].includes(node.type) && secs > 0 ? `  ${(px / 1e6 / secs).toFixed(2)} Mpx/s` : '';
  console.log(`  ${id.padEnd(14)} ${node.type.padEnd(22)} ${node.status.padEnd(7)} ${secs.toFixed(2).padStart(8)} s${perPx}`);
}
const readPaths = new Set(Object.values(report.nodes).flatMap((n) => Object.values(((n.summary ?? {}) as { readPaths?: Record<string, string> }).readPaths ?? {})));
console.log(`\nlayout ${layout}; read paths taken: ${[...readPaths].join(', ')}`);
console.log(`run: ${run.seconds.toFixed(1)} s wall, peak RSS ${run.peakRssMb.toFixed(0)} MiB, status ${report.status}`);
console.log(`floor: ${floor.seconds.toFixed(1)} s (${floor.backend}) → run / floor = ${(run.seconds / floor.seconds).toFixed(2)}; against the node:zlib floor (${floorZlib.seconds.toFixed(1)} s): ${(run.seconds / floorZlib.seconds).toFixed(2)}`);

const rerun = await timed(process.execPath, [
  join(root, 'apps/runner/bin/sentiflow.mjs'), 'run', join(root, 'graphs/asgm-change.json'),
  '--data-root', dataRoot, '--out', out, '--cache-dir', cache, '--json',
], true);
console.log(`rerun (warm cache): ${rerun.seconds.toFixed(1)} s`);

if (process.argv.includes('--notebook')) {
  console.log('\nnotebook workflow (scripts/notebook_reference.py: numpy + GDAL + xgboost, 500 px chunks)…');
  const nb = await timed('/usr/bin/python3', [
    join(root, 'scripts/notebook_reference.py'), '--dir', demoDir, '--labels', join(demoDir, 'labels'), '--out', join(out, 'notebook.json'),
  ]);
  console.log(`notebook: ${nb.seconds.toFixed(1)} s, peak RSS ${nb.peakRssMb.toFixed(0)} MiB → sentiflow is ${(nb.seconds / run.seconds).toFixed(2)}x faster`);
}

if (process.argv.includes('--dask')) {
  console.log('\ndask + rasterio (scripts/dask_reference.py: tile-aligned 512 px windows, 2 processes)…');
  const dk = await timed('/usr/bin/python3', [
    join(root, 'scripts/dask_reference.py'), '--dir', demoDir, '--labels', join(demoDir, 'labels'), '--out', join(out, 'dask.json'), '--workers', String(workers),
  ]);
  console.log(`dask: ${dk.seconds.toFixed(1)} s, peak RSS ${dk.peakRssMb.toFixed(0)} MiB (main process) → sentiflow is ${(dk.seconds / run.seconds).toFixed(2)}x faster`);
}
