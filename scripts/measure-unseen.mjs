#!/usr/bin/env node
// Issue 9's "Judged by" lines, measured on an unseen scene (scripts/make_unseen_scene.py, not the demo generator)
// through `sentiflow run` with the nodes of graphs/asgm-change.json:
//   (a) forest → ASGM km² with the classes in several orders and the default (alphabetical) order;
//   (b) notebook order + ties "first": class-map agreement with scripts/notebook_reference.py, next to the
//       agreement of two seeds of the notebook way with each other;
//   (c) default tie rule: accuracy against truth on decided pixels, ASGM recall, uncertain share per year and
//       the uncertain row of the change table;
//   (d) gdalinfo: colour table and category names on the class and transition maps.
// usage: node scripts/measure-unseen.mjs <workDir> [--size small|real|WxHxDATES] [--seed N] [--layout pixel|band]
//        [--seeds 42,7] [--labels labels|labels_river] [--remake]      (prints one JSON line per run, then the figures; writes <workDir>/figures.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const PY = '/usr/bin/python3';
const { positionals, values: opt } = parseArgs({
  allowPositionals: true,
  options: { size: { type: 'string', default: 'small' }, seed: { type: 'string', default: '20260' }, layout: { type: 'string', default: 'pixel' }, seeds: { type: 'string', default: '42,7' }, labels: { type: 'string', default: 'labels' }, remake: { type: 'boolean', default: false } },
});
const work = positionals[0] && resolve(positionals[0]);
if (!work) throw new Error('usage: measure-unseen.mjs <workDir> [--size small|real|WxHxDATES] [--seed N] [--layout pixel|band] [--seeds 42,7] [--remake]');
const dataRoot = join(work, 'data');
const sceneDir = join(dataRoot, 'unseen');
const YEARS = [2019, 2022];
const TRUTH_CODE = { water: 0, forest: 1, asgm: 2 };
const t0 = Date.now();
const seconds = (since) => Math.round((Date.now() - since) / 100) / 10;
const timings = {};

function run(cmd, args, what) {
  const res = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  if (res.status !== 0) throw new Error(`${what} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}
const py = (script, args, what) => run(PY, [join(repo, 'scripts', script), ...args], what ?? script);

// 1. The scene.
const sizeArgs = opt.size === 'small' ? ['--small'] : opt.size === 'real' ? [] : (() => {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(opt.size);
  if (!m) throw new Error(`--size: small, real or WxHxDATES, not "${opt.size}"`);
  return ['--width', m[1], '--height', m[2], '--dates', m[3]];
})();
const manifestFile = join(sceneDir, 'scene.json');
let started = Date.now();
if (opt.remake || !existsSync(manifestFile)) {
  mkdirSync(sceneDir, { recursive: true });
  py('make_unseen_scene.py', ['--out', sceneDir, '--seed', opt.seed, '--layout', opt.layout, ...sizeArgs], 'make_unseen_scene.py');
  timings.makeSceneSeconds = seconds(started);
}
const scene = JSON.parse(readFileSync(manifestFile, 'utf8'));
console.error(`scene ${scene.width} x ${scene.height} px, ${scene.datesPerYear} dates a year, seed ${scene.seed}; truth forest → ASGM ${scene.truth.forestToAsgmKm2.toFixed(4)} km²`);

// 2. Runs through `sentiflow run`.
const base = JSON.parse(readFileSync(join(repo, 'graphs/asgm-change.json'), 'utf8'));
function graphFor(order, ties) {
  const g = structuredClone(base);
  for (const n of g.nodes) {
    if (n.type === 's2.load') Object.assign(n.params, { dir: 'unseen', prefix: scene.prefix });
    if (n.type === 'vector.load') {
      n.params.path = `unseen/${opt.labels}/${n.params.path.match(/(\d{4})$/)[1]}`;
      if (order) n.params.classes = order;
      else delete n.params.classes;
    }
    if (n.type === 'model.classify' || n.type === 'model.evaluate') n.params.ties = ties;
  }
  return g;
}
const cache = join(work, 'cache');
function sentiflowRun(order, ties) {
  const name = `${order ? order.join('-') : 'default'}-${ties}`;
  const dir = join(work, 'runs', name);
  mkdirSync(dir, { recursive: true });
  const graph = join(dir, 'graph.json');
  writeFileSync(graph, JSON.stringify(graphFor(order, ties), null, 2));
  const started = Date.now();
  run(process.execPath, [join(repo, 'apps/runner/bin/sentiflow.mjs'), 'run', graph, '--data-root', dataRoot, '--out', join(dir, 'out'), '--cache-dir', cache], `sentiflow run ${name}`);
  timings[`run ${name}`] = seconds(started);
  const report = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
  const change = report.nodes.change.outputs.change;
  const classFiles = YEARS.map((y) => join(dir, 'out', `classify${String(y).slice(2)}`, 'classes.tif'));
  const maps = JSON.parse(py('compare_remapped.py', [JSON.stringify({
    pairs: YEARS.map((y, i) => ({ ours: classFiles[i], truth: join(sceneDir, `truth_${y}.tif`), remap: change.classes.map((c) => TRUTH_CODE[c]) })),
  })]));
  const [f, a] = [change.classes.indexOf('forest'), change.classes.indexOf('asgm')];
  const row = {
    run: name, classes: change.classes, forestToAsgmKm2: change.transitionKm2[f][a],
    changeTableLabels: change.labels, uncertainKm2: { [YEARS[0]]: change.areaBeforeKm2.uncertain, [YEARS[1]]: change.areaAfterKm2.uncertain },
    years: YEARS.map((y, i) => ({
      year: y, accuracyDecided: maps[i].classifiedAccuracy, accuracyAll: maps[i].accuracy, asgmRecall: maps[i].recall['2'], uncertainShare: maps[i].uncertainShare,
      uncertainPercentReported: report.nodes[`classify${String(y).slice(2)}`].summary?.uncertainPercent,
      validationAccuracy: report.nodes[`evalXgb${String(y).slice(2)}`].outputs.metrics.accuracy,
      validationUncertainRows: report.nodes[`evalXgb${String(y).slice(2)}`].outputs.metrics.uncertain?.rows,
    })),
    classFiles, transitionFile: join(dir, 'out', 'change', 'transitions.tif'),
  };
  console.log(JSON.stringify({ ...row, classFiles: undefined, transitionFile: undefined }));
  return row;
}

const orders = [['water', 'forest', 'asgm'], ['asgm', 'forest', 'water'], ['forest', 'asgm', 'water'], null];
const rows = orders.map((o) => sentiflowRun(o, 'uncertain'));
const first = sentiflowRun(['water', 'forest', 'asgm'], 'first');

// 3. The notebook way, two seeds.
const nbSeeds = opt.seeds.split(',').map(Number);
const nbDirs = nbSeeds.map((seed) => {
  const dir = join(work, `notebook-${seed}`);
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const out = JSON.parse(py('notebook_reference.py', ['--dir', sceneDir, '--prefix', scene.prefix, '--years', ...YEARS.map(String), '--labels', join(sceneDir, opt.labels), '--out', join(dir, 'nb.json'), '--class-npy-dir', dir, '--seed', String(seed)]));
  timings[`notebook seed ${seed}`] = seconds(started);
  return { seed, dir, forestToAsgmKm2: out.forestToAsgmKm2, validationAccuracy: out.validationAccuracy };
});
const npy = (d, y) => join(d.dir, `classes_${y}.npy`);
const agreement = YEARS.map((y, i) => {
  const r = JSON.parse(py('agreement.py', [JSON.stringify({ pairs: [
    ...nbDirs.map((d) => ({ a: first.classFiles[i], b: npy(d, y) })),
    { a: npy(nbDirs[0], y), b: npy(nbDirs[1], y) },
  ] })]));
  return { year: y, oursVsNotebook: Object.fromEntries(nbDirs.map((d, k) => [d.seed, r[k].agreement])), notebookSeedsAgree: r[nbDirs.length].agreement };
});
const nbTruth = nbDirs.map((d) => ({ seed: d.seed, forestToAsgmKm2: d.forestToAsgmKm2, maps: JSON.parse(py('compare_remapped.py', [JSON.stringify({
  pairs: YEARS.map((y) => ({ ours: npyAsTif(d, y), truth: join(sceneDir, `truth_${y}.tif`), remap: [0, 1, 2] })),
})])) }));
function npyAsTif(d, y) {
  // compare_remapped.py reads GeoTIFFs: write the notebook's array as one (numpy + GDAL).
  const tif = join(d.dir, `classes_${y}.tif`);
  run(PY, ['-c', 'import sys, numpy as np\nfrom osgeo import gdal\na = np.load(sys.argv[1])\nds = gdal.GetDriverByName("GTiff").Create(sys.argv[2], a.shape[1], a.shape[0], 1, gdal.GDT_Byte)\nds.GetRasterBand(1).WriteArray(a)\nds = None', npy(d, y), tif], 'npy → tif');
  return tif;
}

// 4. What GDAL says about the maps.
function gdalCategories(file) {
  const info = JSON.parse(run('gdalinfo', ['-json', file], 'gdalinfo'));
  const b = info.bands[0];
  return { colorInterpretation: b.colorInterpretation, colorEntries: b.colorTable?.entries?.length ?? 0, categories: (b.categories ?? []).map((c, i) => (c ? `${i}=${c}` : '')).filter(Boolean) };
}
const gdal = { classes: rows.map((r) => ({ run: r.run, ...gdalCategories(r.classFiles[0]) })), transitions: gdalCategories(rows[1].transitionFile) };

// 5. Figures and verdicts.
const km2 = rows.map((r) => r.forestToAsgmKm2);
const spread = (Math.max(...km2) - Math.min(...km2)) / (km2.reduce((s, v) => s + v, 0) / km2.length);
const small = scene.width * scene.height <= 1100 * 700;
const agreeBar = small ? 0.994 : 0.9985;
const minOurs = Math.min(...agreement.flatMap((a) => Object.values(a.oursVsNotebook)));
const minSeeds = Math.min(...agreement.map((a) => a.notebookSeedsAgree));
const dflt = rows[0];
const verdicts = {
  '(a) forest → ASGM within 2 % across class orders': { met: spread <= 0.02, spread, km2: Object.fromEntries(rows.map((r) => [r.run, r.forestToAsgmKm2])), truthKm2: scene.truth.forestToAsgmKm2 },
  [`(b) ties "first" agrees with the notebook ≥ the notebook's own seed agreement and ≥ ${agreeBar * 100} %`]: { met: minOurs >= Math.min(minSeeds, agreeBar) && minOurs >= agreeBar, oursMin: minOurs, seedsMin: minSeeds, perYear: agreement },
  '(c) default: accuracy on decided ≥ 0.995, ASGM recall ≥ 0.95, uncertain small and reported': {
    met: rows.every((r) => r.years.every((y) => y.accuracyDecided >= 0.995 && y.asgmRecall >= 0.95 && y.uncertainShare <= 0.05)) && rows.every((r) => r.changeTableLabels.includes('uncertain')),
    perYear: dflt.years.map((y) => ({ year: y.year, accuracyDecided: y.accuracyDecided, asgmRecall: y.asgmRecall, uncertainShare: y.uncertainShare })),
    worst: { accuracyDecided: Math.min(...rows.flatMap((r) => r.years.map((y) => y.accuracyDecided))), asgmRecall: Math.min(...rows.flatMap((r) => r.years.map((y) => y.asgmRecall))), uncertainShare: Math.max(...rows.flatMap((r) => r.years.map((y) => y.uncertainShare))) },
    uncertainKm2InChangeTable: dflt.uncertainKm2,
  },
  '(d) class and transition maps carry a colour table and category names in GDAL': {
    met: [...gdal.classes, gdal.transitions].every((g) => g.colorInterpretation === 'Palette' && g.colorEntries > 0 && g.categories.length > 0) &&
      gdal.classes.every((g, i) => rows[i].classes.every((c, k) => g.categories.includes(`${k}=${c}`))),
    gdal,
  },
};
const paths = new Set(['classFiles', 'transitionFile']);
const strip = (r) => Object.fromEntries(Object.entries(r).filter(([k]) => !paths.has(k)));
const figures = { scene: { width: scene.width, height: scene.height, datesPerYear: scene.datesPerYear, seed: scene.seed, truth: scene.truth }, runs: rows.map(strip), tiesFirst: strip(first), notebook: nbTruth, verdicts, timings: { ...timings, totalSeconds: seconds(t0) } };
writeFileSync(join(work, 'figures.json'), JSON.stringify(figures, null, 2));
const pct = (v) => `${(100 * v).toFixed(2)} %`;
console.log(`\nunseen scene ${scene.width} x ${scene.height} px, ${scene.datesPerYear} dates/year, seed ${scene.seed}: truth forest → ASGM ${scene.truth.forestToAsgmKm2.toFixed(4)} km², ASGM ${scene.truth.asgmChangePercent.toFixed(1)} %`);
console.log('run                          forest→ASGM km²  ' + YEARS.map((y) => `${y}: acc(decided) acc(all) ASGM recall uncertain`).join('  '));
for (const r of [...rows, first]) {
  console.log(`${r.run.padEnd(28)} ${r.forestToAsgmKm2.toFixed(4).padStart(15)}  ` + r.years.map((y) => `${y.year}: ${y.accuracyDecided.toFixed(4)} ${y.accuracyAll.toFixed(4)} ${y.asgmRecall.toFixed(4)} ${pct(y.uncertainShare)}`).join('  '));
}
for (const a of agreement) console.log(`${a.year}: ties "first" vs notebook ${Object.entries(a.oursVsNotebook).map(([s, v]) => `seed ${s} ${pct(v)}`).join(', ')}; notebook seeds with each other ${pct(a.notebookSeedsAgree)}`);
for (const n of nbTruth) console.log(`notebook seed ${n.seed}: forest → ASGM ${n.forestToAsgmKm2.toFixed(4)} km²; ` + n.maps.map((m, i) => `${YEARS[i]} acc ${m.accuracy.toFixed(4)} ASGM recall ${m.recall['2'].toFixed(4)}`).join(', '));
for (const [k, v] of Object.entries(verdicts)) console.log(`${v.met ? 'MET    ' : 'NOT MET'} ${k}`);
console.log(`timings (s): ${JSON.stringify(figures.timings)}`);
