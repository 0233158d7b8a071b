#!/usr/bin/env node
// Runs graphs/asgm-change.json through `sentiflow run` on a demo data root with the classes listed in several
// orders (and left to the default), with model.classify's default tie rule or ties "first", and prints per run:
// forest → ASGM km², uncertain share per year, accuracy vs truth on decided pixels, ASGM recall.
// usage: node scripts/measure-class-order.mjs <dataRoot> <workDir> [ties=uncertain|first]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const [dataRoot, work, ties = 'uncertain'] = process.argv.slice(2);
if (!dataRoot || !work) throw new Error('usage: measure-class-order.mjs <dataRoot> <workDir> [ties]');
const base = JSON.parse(readFileSync(join(repo, 'graphs/asgm-change.json'), 'utf8'));
const orders = [['water', 'forest', 'asgm'], ['asgm', 'forest', 'water'], ['forest', 'asgm', 'water'], null];
const rows = [];
for (const order of orders) {
  const name = order ? order.join('-') : 'default';
  const g = structuredClone(base);
  for (const n of g.nodes) {
    if (n.type === 'vector.load') {
      if (order) n.params.classes = order;
      else delete n.params.classes;
    }
    if (n.type === 'model.classify') n.params.ties = ties;
  }
  const dir = join(work, `${name}-${ties}`);
  mkdirSync(dir, { recursive: true });
  const graph = join(dir, 'graph.json');
  writeFileSync(graph, JSON.stringify(g, null, 2));
  const res = spawnSync(process.execPath, [join(repo, 'apps/runner/bin/sentiflow.mjs'), 'run', graph, '--data-root', dataRoot, '--out', join(dir, 'out'), '--cache-dir', join(work, 'cache')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${name}: ${res.stdout}${res.stderr}`);
  const report = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8'));
  const change = report.nodes.change.outputs.change;
  const [f, a] = [change.classes.indexOf('forest'), change.classes.indexOf('asgm')];
  const truthCode = { water: 0, forest: 1, asgm: 2 };
  // compare_classes compares codes: remap our codes to the truth's (water 0, forest 1, asgm 2) first.
  const spec = {
    pairs: [2019, 2022].map((y) => ({ ours: join(dir, 'out', `classify${String(y).slice(2)}`, 'classes.tif'), truth: join(dataRoot, 'demo', `truth_${y}.tif`), remap: change.classes.map((c) => truthCode[c]) })),
  };
  const cmp = spawnSync('/usr/bin/python3', [join(repo, 'scripts/compare_remapped.py'), JSON.stringify(spec)], { encoding: 'utf8' });
  if (cmp.status !== 0) throw new Error(cmp.stderr);
  const maps = JSON.parse(cmp.stdout);
  rows.push({
    order: name, ties, forestToAsgmKm2: change.transitionKm2[f][a],
    uncertainKm2: { before: change.areaBeforeKm2.uncertain, after: change.areaAfterKm2.uncertain },
    maps: maps.map((m) => ({ accuracyDecided: m.classifiedAccuracy, accuracyAll: m.accuracy, asgmRecall: m.recall['2'], uncertainShare: m.uncertainShare })),
    validation: [report.nodes.evalXgb19.outputs.metrics.accuracy, report.nodes.evalXgb22.outputs.metrics.accuracy],
  });
  console.log(JSON.stringify(rows.at(-1)));
}
