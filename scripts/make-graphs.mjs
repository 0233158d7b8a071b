// Writes the example graphs in graphs/ (run once by hand when the examples change; the JSON is what users share).
import { writeFileSync } from 'node:fs';

const CLASSES = ['water', 'forest', 'asgm'];

function yearBranch(y, row, { indices = ['NDVI', 'NDWI', 'BSI'], reducers = ['mean'], quantiles = [], strategy = 'random', tree = true, extras = true }) {
  const s = String(y).slice(2);
  const Y = row * 700;
  const nodes = [
    { id: `load${s}`, type: 's2.load', version: 1, label: `S2 ${y}`, params: { dir: 'demo', prefix: 'S2_SR_demo', year: y, cloudLayer: 'probability' }, position: { x: 0, y: Y } },
    { id: `mask${s}`, type: 's2.cloudMask', version: 2, label: `Cloud mask ${y}`, params: { method: 'probability', probabilityThreshold: 20 }, position: { x: 300, y: Y } },
    { id: `index${s}`, type: 's2.index', version: 1, label: `Indices ${y}`, params: { indices }, position: { x: 600, y: Y } },
    { id: `agg${s}`, type: 's2.aggregate', version: 1, label: `Composite ${y}`, params: { reducers, quantiles }, position: { x: 900, y: Y } },
    { id: `labels${s}`, type: 'vector.load', version: 1, label: `Labels ${y}`, params: { path: `demo/labels/${y}`, classes: CLASSES }, position: { x: 900, y: Y + 260 } },
    { id: `samples${s}`, type: 'samples.fromPolygons', version: 1, label: `Samples ${y}`, params: {}, position: { x: 1200, y: Y + 120 } },
    { id: `split${s}`, type: 'samples.split', version: 1, label: `Split ${y}`, params: { trainFraction: 0.7, seed: 42, strategy, balance: 'undersample' }, position: { x: 1500, y: Y + 120 } },
    { id: `xgb${s}`, type: 'model.xgboost', version: 2, label: `XGBoost ${y}`, params: { nEstimators: 100, maxDepth: 6, learningRate: 0.3 }, position: { x: 1800, y: Y } },
    { id: `evalXgb${s}`, type: 'model.evaluate', version: 1, label: `Accuracy XGBoost ${y}`, params: {}, position: { x: 2100, y: Y + 230 } },
    { id: `classify${s}`, type: 'model.classify', version: 1, label: `Classify ${y}`, params: { chunkSize: 500 }, position: { x: 2100, y: Y } },
  ];
  const L = (a, o, b, i) => ({ from: { node: `${a}${s}`, output: o }, to: { node: `${b}${s}`, input: i } });
  const links = [
    L('load', 'series', 'mask', 'series'), L('mask', 'series', 'index', 'series'), L('index', 'series', 'agg', 'series'),
    L('agg', 'composite', 'samples', 'composite'), L('labels', 'polygons', 'samples', 'polygons'), L('samples', 'samples', 'split', 'samples'),
    L('split', 'train', 'xgb', 'train'), L('xgb', 'model', 'evalXgb', 'model'), L('split', 'validation', 'evalXgb', 'samples'),
    L('agg', 'composite', 'classify', 'composite'), L('xgb', 'model', 'classify', 'model'),
  ];
  if (tree) {
    nodes.push(
      { id: `tree${s}`, type: 'model.decisionTree', version: 2, label: `Decision tree ${y}`, params: { maxDepth: 5, maxLeafNodes: 10 }, position: { x: 1800, y: Y + 330 } },
      { id: `evalTree${s}`, type: 'model.evaluate', version: 1, label: `Accuracy tree ${y}`, params: {}, position: { x: 2100, y: Y + 470 } },
    );
    links.push(L('split', 'train', 'tree', 'train'), L('tree', 'model', 'evalTree', 'model'), L('split', 'validation', 'evalTree', 'samples'));
  }
  if (extras) {
    nodes.push(
      { id: `sep${s}`, type: 'samples.separability', version: 1, label: `Separability ${y}`, params: {}, position: { x: 1500, y: Y + 330 } },
      { id: `export${s}`, type: 'raster.export', version: 1, label: `Export composite ${y}`, params: { fileName: `composite_${y}.tif` }, position: { x: 1200, y: Y - 120 } },
    );
    links.push(L('samples', 'samples', 'sep', 'samples'), L('agg', 'composite', 'export', 'composite'));
  }
  return { nodes, links };
}

function changeGraph(name, description, options, options22 = options) {
  const a = yearBranch(2019, 0, options);
  const b = yearBranch(2022, 1, { ...options22, tree: false, extras: false });
  return {
    schema: 'sentiflow/graph@1',
    name,
    description,
    nodes: [...a.nodes, ...b.nodes, { id: 'change', type: 'change.diff', version: 2, label: 'Change 2019 → 2022', params: {}, position: { x: 2400, y: 350 } }],
    links: [
      ...a.links, ...b.links,
      { from: { node: 'classify19', output: 'classMap' }, to: { node: 'change', input: 'before' } },
      { from: { node: 'classify22', output: 'classMap' }, to: { node: 'change', input: 'after' } },
    ],
  };
}

const write = (file, graph) => writeFileSync(new URL(`../graphs/${file}`, import.meta.url), JSON.stringify(graph, null, 2) + '\n');

write('asgm-change.json', changeGraph(
  'ASGM change 2019-2022',
  'The notebook workflow: s2cloudless mask (> 20 %), NDVI/NDWI/BSI, yearly mean of bands and indices, labelled polygons, random 70/30 split with undersampling, XGBoost and a decision tree, classification of both years and the forest → ASGM change.',
  {},
));
write('asgm-change-seasonal.json', changeGraph(
  'ASGM change 2019-2022, seasonal statistics',
  'Variant: more indices (MNDWI, NDMI, NBR) and more reducers (median, std, 10th and 90th percentiles) to capture seasonality.',
  { indices: ['NDVI', 'NDWI', 'BSI', 'MNDWI', 'NDMI', 'NBR'], reducers: ['median', 'std'], quantiles: [0.1, 0.9] },
));
write('asgm-change-spatial-split.json', changeGraph(
  'ASGM change 2019-2022, spatially independent validation',
  'Variant: whole polygons go to either training or validation (polygon split), so accuracy is not inflated by neighbouring pixels.',
  { strategy: 'polygon' },
));
const area = changeGraph(
  'ASGM change 2019-2022 with area estimate ± 95 % CI',
  'The notebook workflow, then good practice (Olofsson et al. 2014): a stratified random sample over the transitions, labelled (here from the DEMO ground truth, standing in for a person), and the error-adjusted forest → ASGM area with its 95 % confidence interval. For real maps, label the points in the Label points view and give the labels file to the area estimate.',
  { tree: false, extras: false },
);
area.nodes.push(
  { id: 'sample', type: 'validation.sampleChange', version: 1, label: 'Sample points', params: { seed: 42, targetStandardError: 0.03, minPerStratum: 50, bufferPixels: 1, bufferClass: 'asgm', beforeName: '2019', afterName: '2022' }, position: { x: 2700, y: 350 } },
  { id: 'truthLabels', type: 'demo.labelFromTruth', version: 1, label: 'Label from demo truth (demo only)', params: { truth: ['demo/truth_2019.tif', 'demo/truth_2022.tif'] }, position: { x: 3000, y: 350 } },
  { id: 'area', type: 'validation.areaEstimate', version: 1, label: 'Area estimate', params: { labels: '' }, position: { x: 3300, y: 350 } },
);
area.links.push(
  { from: { node: 'classify19', output: 'classMap' }, to: { node: 'sample', input: 'before' } },
  { from: { node: 'classify22', output: 'classMap' }, to: { node: 'sample', input: 'after' } },
  { from: { node: 'sample', output: 'points' }, to: { node: 'truthLabels', input: 'points' } },
  { from: { node: 'truthLabels', output: 'points' }, to: { node: 'area', input: 'points' } },
);
write('asgm-area-estimate.json', area);
const composites = yearBranch(2019, 0, { tree: false });
write('composites.json', {
  schema: 'sentiflow/graph@1',
  name: 'Yearly composites 2019',
  description: 'Cloud-masked yearly statistics of bands and indices, exported as a float32 GeoTIFF.',
  nodes: composites.nodes.filter((n) => ['load19', 'mask19', 'index19', 'agg19', 'export19'].includes(n.id)).map((n) =>
    n.id === 'agg19' ? { ...n, params: { reducers: ['mean', 'std', 'median'], quantiles: [0.1, 0.9] } } : n),
  links: composites.links.filter((l) => ['load19', 'mask19', 'index19', 'agg19'].includes(l.from.node) && ['mask19', 'index19', 'agg19', 'export19'].includes(l.to.node)),
});
// Sentinel-2 from a public STAC catalogue: no GEE export, no file. The AOI is a 5 x 5 km area of the Suriname
// gold belt; redraw it in the editor (Load Sentinel-2 (STAC) -> aoi -> Draw on map).
const AOI = { type: 'Polygon', coordinates: [[[-55.1, 4.9], [-55.05, 4.9], [-55.05, 4.95], [-55.1, 4.95], [-55.1, 4.9]]] };
const stacYear = (y, row) => {
  const s = String(y).slice(2);
  const Y = row * 300;
  return {
    nodes: [
      { id: `load${s}`, type: 's2.loadStac', version: 1, label: `S2 ${y} (STAC)`, params: { catalog: 'earth-search-c1', aoi: AOI, year: y, cloudLayer: 'scl', maxCloudCover: 80 }, position: { x: 0, y: Y } },
      { id: `mask${s}`, type: 's2.cloudMask', version: 1, label: `Cloud mask ${y} (SCL)`, params: { method: 'scl' }, position: { x: 300, y: Y } },
      { id: `index${s}`, type: 's2.index', version: 1, label: `Indices ${y}`, params: { indices: ['NDVI', 'NDWI', 'BSI'] }, position: { x: 600, y: Y } },
      { id: `agg${s}`, type: 's2.aggregate', version: 1, label: `Composite ${y}`, params: { reducers: ['mean', 'median'] }, position: { x: 900, y: Y } },
      { id: `export${s}`, type: 'raster.export', version: 1, label: `Export ${y}`, params: { fileName: `composite_${y}.tif` }, position: { x: 1200, y: Y } },
    ],
    links: [['load', 'series', 'mask', 'series'], ['mask', 'series', 'index', 'series'], ['index', 'series', 'agg', 'series'], ['agg', 'composite', 'export', 'composite']]
      .map(([a, o, b, i]) => ({ from: { node: `${a}${s}`, output: o }, to: { node: `${b}${s}`, input: i } })),
  };
};
const st19 = stacYear(2019, 0);
const st22 = stacYear(2022, 1);
write('asgm-change-stac.json', {
  schema: 'sentiflow/graph@1',
  name: 'ASGM area from STAC, 2019 and 2022',
  description:
    'Sentinel-2 L2A from Earth Search (no Google Earth Engine account): draw the area on the map in the S2 nodes, run, and get cloud-masked (SCL) yearly composites of ' +
    'bands and NDVI/NDWI/BSI for both years, harmonised like GEE S2_SR_HARMONIZED. Add Load polygons + the training and classification nodes of asgm-change.json to map the change.',
  nodes: [...st19.nodes, ...st22.nodes],
  links: [...st19.links, ...st22.links],
});
console.log('wrote graphs/*.json');
