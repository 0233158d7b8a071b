import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as shapefile from 'shapefile';
import { classFromFileName, readVector } from './vector.ts';
import { writePolygonShapefile } from './shapefileWrite.ts';
import { crsFromPrj, crsToProj4, reprojectRings } from './crs.ts';
import { command, needs, sharedData, sharedDataDir } from '../../../../test/needs.ts';

const LABELS = join(sharedDataDir, 'eolearn-svn-l1c/labels/');
const noData = needs(sharedData('eolearn-svn-l1c/labels'));

test('class names from file names', () => {
  assert.equal(classFromFileName('/a/2019_12_forest.shp'), 'forest');
  assert.equal(classFromFileName('artificial_surface.shp'), 'artificial_surface');
  assert.equal(classFromFileName('2022_asgm.shp'), 'asgm');
  assert.equal(classFromFileName('20190105-water.shp'), 'water');
});

test('crsFromPrj and proj4 definitions', () => {
  const esri = 'PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
  assert.equal(crsFromPrj(esri).epsg, 32633);
  assert.equal(crsFromPrj('PROJCS["WGS 84 / UTM zone 21N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32621"]]').epsg, 32621);
  assert.equal(crsFromPrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]]').epsg, 4326);
  assert.equal(crsFromPrj('PROJCS["Some_Local_Grid",GEOGCS["x"]]').epsg, undefined);
  assert.match(crsToProj4({ epsg: 32721 }), /\+zone=21 \+south/);
  // WKT without EPSG goes through proj4's WKT parser and agrees with the EPSG definition
  const [[p]] = reprojectRings([[[15, 45.87]]], { epsg: 4326 }, { wkt: esri });
  const [[q]] = reprojectRings([[[15, 45.87]]], { epsg: 4326 }, { epsg: 32633 });
  assert.ok(Math.abs(p[0] - q[0]) < 1e-6 && Math.abs(p[1] - q[1]) < 1e-6);
  assert.ok(Math.abs(q[0] - 500000) < 1e-6);
});

test('reads the fixture shapefile folder, geojson (UTM and RFC 7946) consistently', { skip: noData }, async () => {
  const folder = await readVector(join(LABELS, 'shapefiles'));
  assert.equal(folder.crs.epsg, 32633);
  const counts: Record<string, number> = {};
  for (const f of folder.features) counts[f.className] = (counts[f.className] ?? 0) + 1;
  assert.deepEqual(counts, { artificial_surface: 11, cultivated_land: 4, forest: 10, grassland: 26, shrubland: 33 });
  const utm = await readVector(join(LABELS, 'training_polygons_utm33n.geojson'));
  assert.equal(utm.crs.epsg, 32633);
  assert.equal(utm.features.length, 84);
  const wgs = await readVector(join(LABELS, 'training_polygons_wgs84.geojson'), { classField: 'class' });
  assert.equal(wgs.crs.epsg, 4326);
  const back = reprojectRings(wgs.features[0].polygons, wgs.crs, { epsg: 32633 });
  const a = utm.features[0].polygons[0][0][0];
  const b = back[0][0][0];
  assert.ok(Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.01, `${a} vs ${b}`);
  await assert.rejects(readVector(join(LABELS, 'training_polygons_utm33n.geojson'), { classField: 'klass' }), (e: Error & { details?: { param?: string } }) => {
    assert.match(e.message, /class field "klass" not found.*class_id, class, raba_id/);
    assert.equal(e.details?.param, 'classField');
    return true;
  });
});

test('missing .prj, non-polygons, no polygons', { skip: noData }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vec-'));
  for (const ext of ['shp', 'shx', 'dbf']) copyFileSync(join(LABELS, `shapefiles/forest.${ext}`), join(dir, `forest.${ext}`));
  await assert.rejects(readVector(join(dir, 'forest.shp')), /no \.prj file.*coordinate reference system is unknown/);
  const gj = join(dir, 'mixed.geojson');
  const square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]];
  writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [
    { type: 'Feature', properties: { class: 'a' }, geometry: { type: 'Polygon', coordinates: square } },
    { type: 'Feature', properties: { class: 'b' }, geometry: { type: 'Point', coordinates: [0, 0] } },
    { type: 'Feature', properties: { class: 'b' }, geometry: null },
  ] }));
  const v = await readVector(gj);
  assert.equal(v.features.length, 1);
  assert.equal(v.skipped, 2);
  assert.deepEqual(v.skippedTypes, { Point: 1, null: 1 });
  const pts = join(dir, 'points.geojson');
  writeFileSync(pts, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } }] }));
  await assert.rejects(readVector(pts), /no polygons.*1 non-polygon/);
});

test('shapefile writer round-trips through npm shapefile, readVector and ogrinfo', { skip: needs(command('ogrinfo')) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shpw-'));
  mkdirSync(join(dir, '2019'));
  const path = join(dir, '2019', '2019_forest.shp');
  // outer ring given counter-clockwise with a clockwise hole, plus a multipolygon
  const feats = [
    { id: 3, className: 'forest', polygons: [[[[0, 0], [100, 0], [100, 100], [0, 100]], [[20, 20], [20, 40], [40, 40], [40, 20]]]] },
    { id: 7, className: 'forest', polygons: [[[[200, 0], [250, 0], [250, 50]]], [[[300, 0], [350, 0], [350, 50], [300, 50]]]] },
  ];
  writePolygonShapefile(path, feats, { epsg: 32621 });
  const fc = await shapefile.read(path, path.replace(/shp$/, 'dbf'));
  assert.equal(fc.features.length, 2);
  assert.equal(fc.features[0].geometry.type, 'Polygon');
  assert.equal((fc.features[0].geometry as { coordinates: number[][][] }).coordinates.length, 2); // hole kept
  assert.equal(fc.features[1].geometry.type, 'MultiPolygon');
  assert.deepEqual(fc.features[1].properties, { class: 'forest', id: 7 });
  const v = await readVector(join(dir, '2019'));
  assert.equal(v.crs.epsg, 32621);
  assert.deepEqual(v.features.map((f) => f.className), ['forest', 'forest']);
  const crs = crsFromPrj(readFileSync(path.replace(/shp$/, 'prj'), 'utf8'));
  assert.equal(crs.epsg, 32621);
  const ogr = execFileSync('ogrinfo', ['-al', '-so', path], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  assert.match(ogr, /Feature Count: 2/);
  assert.match(ogr, /Geometry: Polygon/);
  assert.match(ogr, /UTM zone 21N/);
  assert.match(ogr, /class: String \(\d+\.0\)/);
  assert.match(ogr, /id: Integer/);
  assert.match(ogr, /Extent: \(0\.000000, 0\.000000\) - \(350\.000000, 100\.000000\)/);
  const full = execFileSync('ogrinfo', ['-al', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(full.toString(), /POLYGON \(\(0 0,0 100,100 100,100 0,0 0\),\(20 20,40 20,40 40,20 40,20 20\)\)/);
});
