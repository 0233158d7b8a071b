#!/usr/bin/env node
// `npm start`: install what is missing, generate the demo AOI if absent, run graphs/asgm-change.json on it,
// then serve the editor on http://127.0.0.1:8787 (--port N / --host H to change it, --basemap URL for XYZ tiles under the maps, --no-serve to stop after the run).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const serve = !args.includes('--no-serve');
// `npm start -- --port 9000` (or --port=9000) and --host are passed on to `sentiflow serve`.
function option(name) {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const value = args[i].includes('=') ? args[i].slice(name.length + 3) : args[i + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`--${name} needs a value, e.g. npm start -- --${name} ${name === 'port' ? '9000' : '127.0.0.1'}`);
    process.exit(2);
  }
  return value;
}
const port = option('port');
if (port !== undefined && !/^\d{1,5}$/.test(port)) {
  console.error(`--port must be a number from 0 to 65535, not "${port}"`);
  process.exit(2);
}
const host = option('host');
// --basemap URL: XYZ tiles under result maps (off by default; the editor says so when they cannot be fetched).
const basemap = option('basemap');
const dataRoot = join(root, 'demo-data');
const cli = [join(root, 'apps/runner/bin/sentiflow.mjs')];

function sh(label, cmd, cmdArgs, options = {}) {
  console.log(`\n▶ ${label}`);
  const res = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (res.status !== 0 && !options.allowFailure) {
    console.error(`✖ ${label} failed (exit ${res.status})`);
    process.exit(res.status ?? 1);
  }
  return res.status === 0;
}

function hasLibrary(name) {
  return spawnSync('sh', ['-c', `ldconfig -p | grep -q ${name}`], { stdio: 'ignore' }).status === 0;
}

/** The figures a user came for, next to the demo scene's ground truth. */
function printHeadline(runJson, truthJson) {
  const report = JSON.parse(readFileSync(runJson, 'utf8'));
  const truth = JSON.parse(readFileSync(truthJson, 'utf8'));
  const change = report.nodes.change?.outputs?.change;
  if (!change) return;
  const [f, a] = [change.classes.indexOf('forest'), change.classes.indexOf('asgm')];
  const pct = (v) => (v === null || v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`);
  console.log('\n── ASGM change 2019 → 2022 (demo AOI) ──');
  console.log(`  forest → ASGM: ${change.transitionKm2[f][a].toFixed(3)} km²   (ground truth ${truth.forestToAsgmKm2.toFixed(3)} km²)`);
  console.log(`  ASGM area:     ${pct(change.changePercent.asgm)}   (ground truth ${pct(truth.asgmChangePercent)})`);
  for (const [id, node] of Object.entries(report.nodes)) {
    const m = node.outputs?.metrics;
    if (m) console.log(`  ${id.padEnd(12)} validation accuracy ${m.accuracy.toFixed(4)}, kappa ${m.kappa.toFixed(4)}`);
  }
}

if (!existsSync(join(root, 'node_modules/tsx')) || !existsSync(join(root, 'node_modules/vite'))) {
  sh('installing npm packages', 'npm', ['install', '--no-audit', '--no-fund']);
}
if (!hasLibrary('libxgboost.so')) {
  if (process.getuid?.() === 0) {
    sh('installing the XGBoost library (libxgboost0) and libdeflate0', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxgboost0 libdeflate0']);
  } else {
    console.error('The XGBoost library is missing. Install it with: sudo apt-get install -y libxgboost0');
    process.exit(1);
  }
}
if (!hasLibrary('libdeflate.so.0')) {
  console.warn('libdeflate is not installed: GeoTIFFs are decoded with node:zlib, ~1.7x slower (apt-get install -y libdeflate0).');
}
if (!existsSync(join(root, 'apps/editor/dist/index.html'))) {
  sh('building the editor', 'npm', ['run', 'build', '-w', 'apps/editor']);
}
if (!existsSync(join(dataRoot, 'demo/truth.json'))) {
  sh('generating the demo AOI (synthetic Suriname scene, two years)', process.execPath, [...cli, 'demo-data', '--out', join(dataRoot, 'demo')]);
}
sh('running graphs/asgm-change.json on the demo AOI', process.execPath, [
  ...cli, 'run', join(root, 'graphs/asgm-change.json'),
  '--data-root', dataRoot, '--out', join(root, 'out/asgm-change'), '--cache-dir', join(root, '.sentiflow-cache'),
]);
printHeadline(join(root, 'out/asgm-change/run.json'), join(dataRoot, 'demo/truth.json'));
console.log(`Results: ${join(root, 'out/asgm-change')} (run.json, GeoTIFFs per node)`);
if (serve) {
  const where = [...(port !== undefined ? ['--port', port] : []), ...(host !== undefined ? ['--host', host] : []), ...(basemap !== undefined ? ['--basemap', basemap] : [])];
  sh('serving the editor (Ctrl-C to stop)', process.execPath, [...cli, 'serve', '--data-root', dataRoot, ...where]);
}
