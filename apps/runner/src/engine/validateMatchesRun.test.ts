/**
 * Nothing passes validation that the run then rejects (issue 13): a corpus of broken graphs and data roots made
 * from the real fixtures and the demo data (files cut, re-gridded with gdal_translate, dates dropped or reordered,
 * headers overwritten, polygons of unlisted classes, formulas that do not parse, two years that do not join…).
 * For each: `validate` names the node and param (or file) and says what to do; `sentiflow run` refuses it and
 * writes nothing; and the engine, made to run it anyway, rejects it at the same node (in the same words where
 * both come from one check). Good graphs validate and run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { nodeCatalog } from '@sentiflow/nodes/catalog.ts';
import { generateDemoData } from '@sentiflow/nodes/demo/generate.ts';
import { xgboostVersion } from '@sentiflow/nodes/ml/xgboost.ts';
import { command, debianPython, needs, python, repoRoot, sharedData, sharedDataDir, works } from '../../../../test/needs.ts';
import { runCommand } from '../cli/runCommand.ts';
import { startServer } from '../server/index.ts';
import { postJson } from '../server/testHelpers.ts';
import { createRun } from './run.ts';
import type { Graph, Problem } from './types.ts';
import { validateGraph } from './validate.ts';

const skip = needs(sharedData('worldcereal-flanders-31ues', 'eolearn-svn-l1c'), command('gdal_translate'), command('ogr2ogr'), python('osgeo.gdal'));
const FL = 'S2_SR_flanders31ues';
const BANDS = ['B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B11', 'B12'];
/** A person's "what to do": every message has one of these verbs, or lists what exists to choose from ("years found: …"). */
const TODO = /\b(choose|export|copy|remove|add|set|rename|fix|use|classify|check|draw|save|give|list|fill|name|label)\b|\bfound: /i;

const root = mkdtempSync(join(tmpdir(), 'sentiflow-vmr-'));
const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, version: 1, params });
const link = (from: string, output: string, to: string, input: string) => ({ from: { node: from, output }, to: { node: to, input } });
const graph = (nodes: unknown[], links: unknown[] = []) => ({ schema: 'sentiflow/graph@1', name: 'corpus', nodes, links });

function gdal(tool: string, args: string[]): void {
  execFileSync(tool, ['-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A folder `name` with the flanders files of `year` (all bands and SCL), to break one of them. */
function yearFolder(name: string, year = 2018): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const src = join(sharedDataDir, 'worldcereal-flanders-31ues');
  for (const f of readdirSync(src).filter((f) => f.includes(`_${year}_`) && f.endsWith('.tif'))) copyFileSync(join(src, f), join(dir, f));
  return name;
}
const file = (dir: string, layer: string, year = 2018) => join(root, dir, `${FL}_${year}_${layer}.tif`);
/** Rewrites one layer with gdal_translate `args` (e.g. -b 1 -b 2, -srcwin …). */
function translate(dir: string, layer: string, args: string[], year = 2018): void {
  const f = file(dir, layer, year);
  const tmp = `${f}.tmp.tif`;
  gdal('gdal_translate', [...args, f, tmp]);
  copyFileSync(tmp, f);
  rmSync(tmp, { force: true });
}
const bandsArgs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ['-b', String(from + i)]).flat();

function compositeGraph(dir: string, o: { year?: number; load?: object; index?: object; agg?: object; mask?: object; exportP?: object } = {}) {
  return graph(
    [
      node('load', 's2.load', { dir, prefix: FL, year: o.year ?? 2018, cloudLayer: 'scl', ...o.load }),
      node('mask', 's2.cloudMask', { method: 'scl', ...o.mask }),
      node('index', 's2.index', { indices: ['NDVI'], ...o.index }),
      node('agg', 's2.aggregate', { reducers: ['mean'], ...o.agg }),
      node('export', 'raster.export', { fileName: 'composite.tif', ...o.exportP }),
    ],
    [link('load', 'series', 'mask', 'series'), link('mask', 'series', 'index', 'series'), link('index', 'series', 'agg', 'series'), link('agg', 'composite', 'export', 'composite')],
  );
}

const LABELS = 'flabels/training_polygons_epsg32631.geojson';

/** Two years of flanders classified with their own decision tree, then compared (the shape of graphs/asgm-change.json). */
function twoYearGraph(o: { dir18?: string; dir19?: string; labels18?: object; labels19?: object; agg18?: object; agg19?: object; model18From?: string; model?: 'model.decisionTree' | 'model.xgboost' } = {}) {
  const nodes: unknown[] = [];
  const links: unknown[] = [];
  for (const y of ['18', '19']) {
    nodes.push(
      node(`load${y}`, 's2.load', { dir: (y === '18' ? o.dir18 : o.dir19) ?? 'fl', prefix: FL, year: Number(`20${y}`), cloudLayer: 'scl' }),
      node(`mask${y}`, 's2.cloudMask', { method: 'scl' }),
      node(`index${y}`, 's2.index', { indices: ['NDVI'] }),
      node(`agg${y}`, 's2.aggregate', { reducers: ['mean'], ...(y === '18' ? o.agg18 : o.agg19) }),
      node(`labels${y}`, 'vector.load', { path: LABELS, ...(y === '18' ? o.labels18 : o.labels19) }),
      node(`samples${y}`, 'samples.fromPolygons', {}),
      node(`split${y}`, 'samples.split', { trainFraction: 0.7, seed: 1 }),
      node(`model${y}`, o.model ?? 'model.decisionTree', {}),
      node(`classify${y}`, 'model.classify', {}),
    );
    links.push(
      link(`load${y}`, 'series', `mask${y}`, 'series'), link(`mask${y}`, 'series', `index${y}`, 'series'), link(`index${y}`, 'series', `agg${y}`, 'series'),
      link(`agg${y}`, 'composite', `samples${y}`, 'composite'), link(`labels${y}`, 'polygons', `samples${y}`, 'polygons'),
      link(`samples${y}`, 'samples', `split${y}`, 'samples'), link(`split${y}`, 'train', `model${y}`, 'train'),
      link(`agg${y}`, 'composite', `classify${y}`, 'composite'), link(y === '18' && o.model18From ? o.model18From : `model${y}`, 'model', `classify${y}`, 'model'),
    );
  }
  nodes.push(node('change', 'change.diff', {}));
  links.push(link('classify18', 'classMap', 'change', 'before'), link('classify19', 'classMap', 'change', 'after'));
  return graph(nodes, links);
}

interface Case {
  name: string;
  /** Makes the broken data (run once, in `before`). */
  setup?: () => void;
  graph: () => object;
  node: string;
  param?: string;
  message: RegExp;
  /** The run throws the very message validation gives (one shared check). */
  same?: boolean;
}

const cases: Case[] = [
  // s2.load: names in the folder
  { name: 'a file chosen as the folder', graph: () => compositeGraph(`fl/${FL}_2018_B2.tif`), node: 'load', param: 'dir', message: /is a file, not a folder: choose the folder that holds it \("fl"\)/, same: true },
  { name: 'a year with no files', graph: () => compositeGraph('fl', { year: 2031 }), node: 'load', param: 'year', message: /^no 2031 files for prefix S2_SR_flanders31ues in fl\/; years found: 2018, 2019 \(year\)$/, same: true },
  { name: 'a prefix with no files', graph: () => compositeGraph('fl', { load: { prefix: 'S2_SR_flanders' } }), node: 'load', param: 'prefix', message: /prefixes found: S2_SR_flanders31ues/, same: true },
  { name: 'a band that was not exported', graph: () => compositeGraph('fl', { load: { bands: ['B2', 'B4', 'B8', 'B1'] } }), node: 'load', param: 'bands', message: /band B1 is not in fl\/ .*remove it from bands/, same: true },
  { name: 'a cloud layer that was not exported', graph: () => compositeGraph('fl', { load: { cloudLayer: 'probability' }, mask: { method: 'probability' } }), node: 'load', param: 'cloudLayer', message: /no cloud probability .* set cloudLayer to "scl" or "none"/, same: true },
  // s2.load: headers of the files
  { name: 'a band with fewer dates (gdal_translate -b)', setup: () => { yearFolder('fewer'); translate('fewer', 'B3', bandsArgs(1, 23)); }, graph: () => compositeGraph('fewer'), node: 'load', param: 'bands', message: /^fewer\/S2_SR_flanders31ues_2018_B3\.tif has 23 raster bands \(dates\) but fewer\/S2_SR_flanders31ues_2018_B2\.tif has 24; export every band of 2018 from the same image collection \(bands: B3\)$/, same: true },
  { name: 'a band over a smaller window (-srcwin)', setup: () => { yearFolder('srcwin'); translate('srcwin', 'B4', ['-srcwin', '0', '0', '60', '60']); }, graph: () => compositeGraph('srcwin'), node: 'load', param: 'bands', message: /srcwin\/S2_SR_flanders31ues_2018_B4\.tif is on a different grid than srcwin\/S2_SR_flanders31ues_2018_B2\.tif: 60x60 px.* vs 64x64 px.*; export every band of 2018 with the same region, scale and CRS/, same: true },
  { name: 'a band shifted by one pixel (-a_ullr)', setup: () => { yearFolder('shifted'); translate('shifted', 'B5', ['-a_ullr', '574690', '5622440', '575330', '5621800']); }, graph: () => compositeGraph('shifted'), node: 'load', param: 'bands', message: /B5\.tif is on a different grid than .*B2\.tif: 64x64 px, geotransform \[574690, /, same: true },
  { name: 'a band with its dates in another order', setup: () => { yearFolder('order'); translate('order', 'B6', ['-b', '2', '-b', '1', ...bandsArgs(3, 24)]); }, graph: () => compositeGraph('order'), node: 'load', param: 'bands', message: /raster band 1 of order\/S2_SR_flanders31ues_2018_B6\.tif is acquired at .* but band 1 of order\/S2_SR_flanders31ues_2018_B2\.tif at .*same dates in the same order/, same: true },
  { name: 'a band that is not uint16', setup: () => { yearFolder('float'); translate('float', 'B7', ['-ot', 'Float32']); }, graph: () => compositeGraph('float'), node: 'load', param: 'bands', message: /B7\.tif is float32; Sentinel-2 bands must be uint16/, same: true },
  { name: 'a truncated band file', setup: () => { yearFolder('cut'); const f = file('cut', 'B8'); truncateSync(f, Math.floor(readFileSync(f).length * 0.6)); }, graph: () => compositeGraph('cut'), node: 'load', param: 'bands', message: /^cut\/S2_SR_flanders31ues_2018_B8\.tif cannot be read: the file is truncated .*; copy or export it again \(bands: B8\)$/, same: true },
  { name: 'an empty band file', setup: () => { yearFolder('empty'); writeFileSync(file('empty', 'B8A'), ''); }, graph: () => compositeGraph('empty'), node: 'load', param: 'bands', message: /B8A\.tif cannot be read: the file is truncated \(0 bytes/, same: true },
  { name: 'a header overwritten (not a TIFF any more)', setup: () => { yearFolder('magic'); const f = file('magic', 'B11'); const b = readFileSync(f); b.write('JUNK', 0, 'latin1'); writeFileSync(f, b); }, graph: () => compositeGraph('magic'), node: 'load', param: 'bands', message: /B11\.tif cannot be read: not a GeoTIFF .*export it again as GeoTIFF or remove it/, same: true },
  {
    name: 'a corrupt image directory (entry count overwritten)',
    setup: () => {
      yearFolder('ifd');
      const f = file('ifd', 'B12');
      const b = readFileSync(f);
      b.writeUInt16LE(0xfff0, b.readUInt32LE(4));
      writeFileSync(f, b);
    },
    graph: () => compositeGraph('ifd'), node: 'load', param: 'bands', message: /B12\.tif cannot be read: corrupt TIFF header .*export or copy the file again/, same: true,
  },
  { name: 'a text file named like a band', setup: () => { yearFolder('text'); writeFileSync(file('text', 'B2'), 'this is not an image, it is a note about B2\n'.repeat(4)); }, graph: () => compositeGraph('text'), node: 'load', param: 'bands', message: /B2\.tif cannot be read: not a GeoTIFF/, same: true },
  {
    name: 'band descriptions that are not acquisition times',
    setup: () => {
      yearFolder('descr');
      execFileSync(debianPython, ['-c', `from osgeo import gdal\nds = gdal.Open(${JSON.stringify(file('descr', 'B3'))}, gdal.GA_Update)\nds.GetRasterBand(1).SetDescription('cloudy scene')\nds = None`]);
    },
    graph: () => compositeGraph('descr'), node: 'load', param: 'bands', message: /raster band 1 of descr\/S2_SR_flanders31ues_2018_B3\.tif has description "cloudy scene", which does not start with an acquisition time/, same: true,
  },
  { name: 'the cloud layer on another grid', setup: () => { yearFolder('sclgrid'); translate('sclgrid', 'SCL', ['-srcwin', '0', '0', '32', '32']); }, graph: () => compositeGraph('sclgrid'), node: 'load', param: 'cloudLayer', message: /sclgrid\/S2_SR_flanders31ues_2018_SCL\.tif is on a different grid .*\(cloudLayer\)$/, same: true },
  { name: 'the cloud layer with fewer dates', setup: () => { yearFolder('scldates'); translate('scldates', 'SCL', bandsArgs(1, 20)); }, graph: () => compositeGraph('scldates'), node: 'load', param: 'cloudLayer', message: /SCL\.tif has 20 raster bands \(dates\) but .*B2\.tif has 24/, same: true },
  // series nodes
  { name: 'a custom index formula that does not parse', graph: () => compositeGraph('fl', { index: { custom: [{ name: 'Q', expression: '(B8 -' }] } }), node: 'index', param: 'custom.0.expression', message: /custom index 1 "Q": in the formula "\(B8 -", unexpected end/, same: true },
  { name: 'a custom index using a band not loaded', graph: () => compositeGraph('fl', { index: { custom: [{ name: 'RE', expression: '(B8 - B99) / (B8 + B99)' }] } }), node: 'index', param: 'custom.0.expression', message: /unknown name 'B99'/, same: true },
  { name: 'a custom index name that is not a name', graph: () => compositeGraph('fl', { index: { custom: [{ name: '2x', expression: 'B8 * 2' }] } }), node: 'index', param: 'custom.0.name', message: /the name must start with a letter/, same: true },
  { name: 'an aggregate of a variable the series lacks', graph: () => compositeGraph('fl', { agg: { variables: ['NDVI', 'SAVI'] } }), node: 'agg', param: 'variables.1', message: /variable "SAVI" is not in the series/, same: true },
  { name: 'an export of a feature the composite lacks', graph: () => compositeGraph('fl', { exportP: { features: ['NDVI_median'] } }), node: 'export', param: 'features.0', message: /feature "NDVI_median" is not in the composite \(it has B2_mean/, same: true },
  { name: 'a cloud mask method the loader has no layer for', graph: () => compositeGraph('fl', { mask: { method: 'probability' } }), node: 'mask', param: 'method', message: /needs the loader's cloudLayer/ },
  // vector.load
  { name: 'a polygon of a class that is not listed', graph: () => graph([node('labels', 'vector.load', { path: LABELS, classes: ['winter_wheat', 'barley', 'winter_barley', 'potatoes', 'sugar_beet', 'permanent_grass_crops'] })]), node: 'labels', param: 'classes', message: /^class "maize" \(polygon \d+\) is not in the classes list .*\. Add it to classes or fix the label\.$/, same: true },
  { name: 'a listed class with no polygon', graph: () => graph([node('labels', 'vector.load', { path: LABELS, classes: ['winter_wheat', 'maize', 'barley', 'winter_barley', 'potatoes', 'sugar_beet', 'permanent_grass_crops', 'rice'] })]), node: 'labels', param: 'classes', message: /^class "rice" in the classes list has no polygon in flabels\/training_polygons_epsg32631\.geojson \(classes found: .*\)\. Remove it from classes or fix the spelling\.$/, same: true },
  { name: 'a class field that does not exist', graph: () => graph([node('labels', 'vector.load', { path: LABELS, classField: 'crop' })]), node: 'labels', param: 'classField', message: /^class field "crop" not found in training_polygons_epsg32631\.geojson; its fields are: class_id, class, area_m2\. Set classField to one of them/, same: true },
  { name: 'a renamed label no polygon has', graph: () => graph([node('labels', 'vector.load', { path: LABELS, classField: 'class_id', names: [{ label: '1110', name: 'wheat' }, { label: '42', name: 'rye' }] })]), node: 'labels', param: 'names', message: /names: no polygon has the label "42" .*Fix or remove the entry/, same: true },
  {
    name: 'an empty shapefile in a folder of class files',
    setup: () => {
      const dir = join(root, 'emptyclass');
      cpSync(join(sharedDataDir, 'eolearn-svn-l1c', 'labels', 'shapefiles'), dir, { recursive: true });
      gdal('ogr2ogr', ['-where', '1=0', join(dir, 'water.shp'), join(dir, 'forest.shp')]);
    },
    graph: () => graph([node('labels', 'vector.load', { path: 'emptyclass' })]), node: 'labels', param: 'path', message: /^water\.shp has no features, so class "water" would have no polygon: draw its polygons or remove the file from emptyclass$/, same: true,
  },
  {
    name: 'points instead of polygons in a folder of class files',
    setup: () => {
      const dir = join(root, 'points');
      cpSync(join(sharedDataDir, 'eolearn-svn-l1c', 'labels', 'shapefiles'), dir, { recursive: true });
      const pts = { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32633' } }, features: [465500, 465600].map((x) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [x, 5079800] } })) };
      writeFileSync(join(dir, 'water.geojson'), JSON.stringify(pts));
    },
    graph: () => graph([node('labels', 'vector.load', { path: 'points' })]), node: 'labels', param: 'path', message: /^water\.geojson holds no polygons \(2 Point\), so class "water" would have none: save it as a polygon layer/, same: true,
  },
  { name: 'a GeoJSON that does not parse', setup: () => writeFileSync(join(root, 'broken.geojson'), '{"type": "FeatureCollection", "features": ['), graph: () => graph([node('labels', 'vector.load', { path: 'broken.geojson' })]), node: 'labels', param: 'path', message: /^cannot parse GeoJSON broken\.geojson/, same: true },
  // joins of two inputs
  {
    name: 'change between two years on different grids',
    setup: () => {
      yearFolder('crop19', 2019);
      for (const l of [...BANDS, 'SCL']) translate('crop19', l, ['-srcwin', '0', '0', '48', '48'], 2019);
    },
    graph: () => twoYearGraph({ dir19: 'crop19' }), node: 'change', message: /^The two maps are on different grids: before 64x64 px.*; after 48x48 px.*\. Classify both years on the same grid\.$/, same: true,
  },
  { name: 'change between years whose polygon loaders list the classes differently', graph: () => twoYearGraph({ labels19: { classes: ['winter_wheat', 'maize', 'barley', 'winter_barley', 'potatoes', 'sugar_beet', 'permanent_grass_crops'] } }), node: 'change', message: /^The two maps have different classes: before \[barley, maize, .*\], after \[winter_wheat, maize, .*\]\. Use the same classes in the same order\.$/, same: true },
  { name: 'a change of interest naming a class the maps lack', graph: () => { const g = twoYearGraph(); (g.nodes as { id: string; params: object }[]).find((n) => n.id === 'change')!.params = { focus: { from: 'forest', to: 'maize' } }; return g; }, node: 'change', param: 'focus', message: /^focus: forest is not a class of the maps \(classes: barley, .*\)\. Name two of them\.$/, same: true },
  { name: 'a classifier applied to a composite without its features', graph: () => twoYearGraph({ agg18: { reducers: ['median'] }, model18From: 'model19' }), node: 'classify18', message: /^The model was trained on features that the composite lacks: B2_mean, .*\. The composite has: B2_median/, same: true },
  {
    name: 'polygons of another AOI (outside the raster)',
    setup: () => cpSync(join(sharedDataDir, 'eolearn-svn-l1c', 'labels'), join(root, 'svnlabels'), { recursive: true }),
    graph: () => twoYearGraph({ labels18: { path: 'svnlabels/training_polygons_utm33n.geojson' } }), node: 'samples18', message: /^polygons from svnlabels\/training_polygons_utm33n\.geojson \(EPSG:32633\) do not overlap the raster \(EPSG:32631\) extent .*Check the polygons' CRS/, same: true,
  },
  {
    name: 'polygons in a CRS that cannot be transformed',
    setup: () => {
      const gj = JSON.parse(readFileSync(join(root, LABELS), 'utf8'));
      gj.crs.properties.name = 'urn:ogc:def:crs:EPSG::2056';
      writeFileSync(join(root, 'flabels', 'swiss.geojson'), JSON.stringify(gj));
    },
    graph: () => twoYearGraph({ labels18: { path: 'flabels/swiss.geojson' } }), node: 'samples18', message: /^polygons from flabels\/swiss\.geojson: .*unsupported CRS EPSG:2056/, same: true,
  },
  {
    name: 'a class whose only polygon lies outside the raster',
    setup: () => {
      const gj = JSON.parse(readFileSync(join(root, LABELS), 'utf8'));
      gj.features.push({ type: 'Feature', properties: { class: 'rice' }, geometry: { type: 'Polygon', coordinates: [[[600000, 5600000], [600100, 5600000], [600100, 5600100], [600000, 5600000]]] } });
      writeFileSync(join(root, 'flabels', 'rice.geojson'), JSON.stringify(gj));
    },
    graph: () => twoYearGraph({ labels18: { path: 'flabels/rice.geojson' } }), node: 'samples18', message: /^class "rice" has no samples: 1 polygon\(s\), 0 overlapping the raster/, same: true,
  },
  {
    name: 'XGBoost trained on a single class',
    setup: () => {
      const gj = JSON.parse(readFileSync(join(root, LABELS), 'utf8'));
      gj.features = gj.features.filter((f: { properties: { class: string } }) => f.properties.class === 'maize');
      writeFileSync(join(root, 'flabels', 'maize.geojson'), JSON.stringify(gj));
    },
    graph: () => twoYearGraph({ labels18: { path: 'flabels/maize.geojson' }, model: 'model.xgboost' }), node: 'model18', message: /^XGBoost needs at least 2 classes; the samples have 1 \(maize\)/,
  },
  // STAC: what needs no network
  { name: 'a STAC search with both a year and dates', graph: () => graph([node('stac', 's2.loadStac', { catalog: 'earth-search', aoi: { type: 'Polygon', coordinates: [[[4.5, 50.8], [4.51, 50.8], [4.51, 50.81], [4.5, 50.8]]] }, year: 2019, start: '2019-03-01', end: '2019-02-01' })]), node: 'stac', param: 'year', message: /^Give either year or start and end, not both\.$/, same: true },
  { name: 'a STAC search that ends before it starts', graph: () => graph([node('stac', 's2.loadStac', { catalog: 'earth-search', aoi: { type: 'Polygon', coordinates: [[[4.5, 50.8], [4.51, 50.8], [4.51, 50.81], [4.5, 50.8]]] }, start: '2019-03-01', end: '2019-02-01' })]), node: 'stac', param: 'end', message: /^end \(2019-02-01\) is before start \(2019-03-01\): fix the dates\.$/, same: true },
  // class maps made elsewhere
  { name: 'a class map with three bands', setup: () => gdal('gdal_translate', ['-b', '1', '-b', '2', '-b', '3', join(sharedDataDir, 'worldcereal-flanders-31ues', `${FL}_2018_SCL.tif`), join(root, 'three.tif')]), graph: () => graph([node('map', 'raster.loadClassMap', { path: 'three.tif', classes: ['a', 'b'] })]), node: 'map', param: 'path', message: /^three\.tif has 3 bands; a class map has one band of class codes: choose the class file/, same: true },
  { name: 'a probability file loaded as a class map', setup: () => gdal('gdal_translate', ['-b', '1', '-ot', 'Float32', join(sharedDataDir, 'worldcereal-flanders-31ues', `${FL}_2018_SCL.tif`), join(root, 'prob.tif')]), graph: () => graph([node('map', 'raster.loadClassMap', { path: 'prob.tif', classes: ['a', 'b'] })]), node: 'map', param: 'path', message: /holds float32 values; a class map holds integer class codes/, same: true },
  { name: 'a class map that names no classes', setup: () => gdal('gdal_translate', ['-b', '1', join(sharedDataDir, 'worldcereal-flanders-31ues', `${FL}_2018_SCL.tif`), join(root, 'nonames.tif')]), graph: () => graph([node('map', 'raster.loadClassMap', { path: 'nonames.tif' })]), node: 'map', param: 'classes', message: /names no classes .*list them in the classes param/, same: true },
];

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

async function engineRun(g: object, name: string) {
  const outDir = join(root, 'out', name.replace(/\W+/g, '-'));
  const run = createRun(g as Graph, nodeCatalog, { dataRoot: root, outDir, cacheDir: null, workers: 1 });
  return { report: await run.done, outDir };
}

// The broken data roots, made once for every suite below (none when the fixtures or GDAL are missing).
before(() => {
  if (skip) return;
  cpSync(join(sharedDataDir, 'worldcereal-flanders-31ues'), join(root, 'fl'), { recursive: true });
  cpSync(join(sharedDataDir, 'worldcereal-flanders-31ues', 'labels'), join(root, 'flabels'), { recursive: true });
  for (const c of cases) c.setup?.();
});

describe('validate catches what the run rejects (real fixtures)', { skip }, () => {
  for (const c of cases) {
    test(c.name, async () => {
      const g = c.graph();
      const { problems } = validateGraph(g, nodeCatalog, { dataRoot: root });
      const mine = problems.filter((p) => p.nodeId === c.node);
      const hit = mine.find((p) => c.message.test(p.message));
      assert.ok(hit, `no problem on ${c.node} matching ${c.message}; got:\n${problems.map((p) => `${p.nodeId}: ${p.message}`).join('\n')}`);
      if (c.param) assert.equal(hit.param, c.param, hit.message);
      assert.match(hit.message, TODO, 'the message says what to do');
      assert.ok(!hit.message.includes(root), `no absolute server path in "${hit.message}"`);
      if (process.env.SENTIFLOW_SHOW_PROBLEMS) console.log(`${c.name}\n  ${c.node}${hit.param ? ` (${hit.param})` : ''}: ${hit.message}`);

      // `sentiflow run` refuses it and writes nothing.
      const graphFile = join(root, `${c.name.replace(/\W+/g, '-')}.json`);
      writeFileSync(graphFile, JSON.stringify(g));
      const cliOut = join(root, 'cli', c.name.replace(/\W+/g, '-'));
      assert.equal(await runCommand([graphFile], { 'data-root': root, out: cliOut, 'no-cache': true }), 1);
      assert.deepEqual(allFiles(cliOut), []);

      // The engine, made to run it anyway, rejects it at that node (validation is not a false alarm).
      const { report, outDir } = await engineRun(g, c.name);
      const failed = report.nodes[c.node];
      assert.equal(failed.status, 'failed', `${c.node} is ${failed.status}`);
      if (c.same) assert.equal(failed.error?.message, hit.message);
      assert.deepEqual(allFiles(join(outDir, c.node)), [], 'the failing node published nothing');
    });
  }
});

describe('the editor gets the same problems (POST /api/validate, what it marks on the node and in the inspector)', { skip }, () => {
  test('header, polygon and join problems reach the editor with node and param', async () => {
    const server = await startServer({ port: 0, dataRoot: root, workers: 1, log: () => undefined });
    try {
      for (const name of ['a band with fewer dates (gdal_translate -b)', 'a listed class with no polygon', 'change between two years on different grids']) {
        const c = cases.find((k) => k.name === name)!;
        const { problems } = (await (await postJson(`${server.url}/api/validate`, { graph: c.graph() })).json()) as { problems: Problem[] };
        assert.deepEqual(problems, validateGraph(c.graph(), nodeCatalog, { dataRoot: root }).problems, name);
        assert.ok(problems.some((p) => p.nodeId === c.node && c.message.test(p.message) && (!c.param || p.param === c.param) && p.nodeLabel), name);
      }
    } finally {
      await server.close();
    }
  });
});

const problemsOf = (g: object): Problem[] => validateGraph(g, nodeCatalog, { dataRoot: root }).problems;

describe('good graphs validate and run (real fixtures)', { skip }, () => {
  test('a composite of flanders 2018', async () => {
    const g = compositeGraph('fl', { index: { custom: [{ name: 'RE', expression: '(B8 - B5) / (B8 + B5)' }] } });
    assert.deepEqual(problemsOf(g), []);
    const { report, outDir } = await engineRun(g, 'good-composite');
    assert.equal(report.status, 'done', JSON.stringify(report.nodes));
    assert.ok(existsSync(join(outDir, 'export', 'composite.tif')));
  });

  test('two years of flanders classified and compared', async () => {
    const g = twoYearGraph();
    assert.deepEqual(problemsOf(g), []);
    const { report } = await engineRun(g, 'good-two-years');
    assert.equal(report.status, 'done', JSON.stringify(Object.fromEntries(Object.entries(report.nodes).map(([k, v]) => [k, v.error?.message ?? v.status]))));
  });

  test('the Slovenian L1C patch with s2cloudless probability and a folder of class shapefiles', async () => {
    const g = graph(
      [
        node('load', 's2.load', { dir: 'svn', prefix: 'S2_L1C_svn', year: 2015, cloudLayer: 'probability' }),
        node('mask', 's2.cloudMask', { method: 'probability' }),
        node('agg', 's2.aggregate', { reducers: ['mean', 'std'] }),
        node('labels', 'vector.load', { path: 'svn/labels/shapefiles' }),
        node('samples', 'samples.fromPolygons', {}),
      ],
      [link('load', 'series', 'mask', 'series'), link('mask', 'series', 'agg', 'series'), link('agg', 'composite', 'samples', 'composite'), link('labels', 'polygons', 'samples', 'polygons')],
    );
    cpSync(join(sharedDataDir, 'eolearn-svn-l1c'), join(root, 'svn'), { recursive: true });
    assert.deepEqual(problemsOf(g), []);
    const { report } = await engineRun(g, 'good-svn');
    assert.equal(report.status, 'done', JSON.stringify(report.nodes));
  });
});

describe('the example graph on the demo data validates and runs', { skip: skip || needs(works('libxgboost', () => xgboostVersion(), 'apt-get install libxgboost0')) }, () => {
  test('graphs/asgm-change.json', { timeout: 300_000 }, async () => {
    await generateDemoData({ outDir: join(root, 'demo'), width: 160, height: 120, datesPerYear: 8, seed: 3 });
    const g = JSON.parse(readFileSync(join(repoRoot, 'graphs', 'asgm-change.json'), 'utf8'));
    assert.deepEqual(problemsOf(g), []);
    const { report } = await engineRun(g, 'good-demo');
    assert.equal(report.status, 'done', JSON.stringify(Object.fromEntries(Object.entries(report.nodes).map(([k, v]) => [k, v.error?.message ?? v.status]))));
  });
});
