#!/usr/bin/env python3
"""Builds an offline STAC catalogue of Cloud-Optimised GeoTIFFs from the real Flanders toBands() fixture.

Usage: build_catalog.py <fixture dir> <out dir>

Every raster band (= acquisition) of every <PREFIX>_<YEAR>_<BAND>.tif becomes one COG per band and date
(GDAL's COG driver, DEFLATE + predictor 2, 16 px blocks so a 64 px patch has several tiles to merge), and one
STAC item in the shape of Earth Search's sentinel-2-c1-l2a (assets by common name, eo:cloud_cover,
s2:processing_baseline, earthsearch:boa_offset_applied, raster:bands, s2:mgrs_tile, proj:epsg).

The 20 m bands and SCL are written at their native 20 m: the fixture's 20 m bands were upsampled to 10 m by
pixel duplication on a grid sharing the upper-left corner (checked here: every 2x2 block is constant), so
taking every second pixel recovers the 20 m raster exactly and nearest-neighbour resampling back to the 10 m
grid (which s2.loadStac does) reproduces the toBands() values bit for bit.

Cases the catalogue contains on purpose (items.json lists them in "cases"):
- 2019, clear dates: stored with the +1000 BOA offset and flagged via raster:bands offset -0.1; via
  processing baseline 04.00 only; mis-flagged (+1000 stored but earthsearch:boa_offset_applied true); the
  opposite mis-flag (raster:bands says offset, values have none);
- an overpass split across two MGRS tiles (31UES and 31UFS, each covering part of the patch);
- a reprocessed duplicate (older processing with wrong values, newer one right);
- "2023": the 2019 acquisitions four years later, all stored with +1000 (baseline 05.09, raster:bands offset);
- decoys the search must filter out: another collection, an item far away, an item outside the year.
The Sen2Cor `cloud` probability asset is not in the source data: it is derived from SCL here (8,9,10 -> 100,
3 -> 50, else 0) only so that cloudLayer "cloud" has something to read.
"""
import json
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.PushErrorHandler('CPLQuietErrorHandler')  # the COG driver warns that 16 px blocks are small: wanted here

SRC, OUT = sys.argv[1], sys.argv[2]
PREFIX = 'S2_SR_flanders31ues'
COLLECTION = 'sentiflow-c1-l2a'
BANDS = {  # GEE band -> (Earth Search common-name key, native resolution)
    'B2': ('blue', 10), 'B3': ('green', 10), 'B4': ('red', 10), 'B5': ('rededge1', 20), 'B6': ('rededge2', 20),
    'B7': ('rededge3', 20), 'B8': ('nir', 10), 'B8A': ('nir08', 20), 'B11': ('swir16', 20), 'B12': ('swir22', 20),
}
CO = ['COMPRESS=DEFLATE', 'PREDICTOR=2', 'BLOCKSIZE=16', 'OVERVIEWS=NONE']
EPSG = 32631

stacks = {}
gt = None
for year in (2018, 2019):
    for band in list(BANDS) + ['SCL']:
        ds = gdal.Open(os.path.join(SRC, f'{PREFIX}_{year}_{band}.tif'))
        gt = ds.GetGeoTransform()
        arr = ds.ReadAsArray()
        descs = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
        stacks[(year, band)] = (arr, descs)
W = H = 64
X0, Y0 = gt[0], gt[3]


def write_cog(path, arr, x0, y0, res, dtype):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    h, w = arr.shape
    mem = gdal.GetDriverByName('MEM').Create('', w, h, 1, dtype)
    mem.SetGeoTransform((x0, res, 0, y0, 0, -res))
    from osgeo import osr
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    mem.SetProjection(srs.ExportToWkt())
    mem.GetRasterBand(1).WriteArray(arr)
    mem.GetRasterBand(1).SetNoDataValue(0)
    gdal.Translate(path, mem, format='COG', creationOptions=CO)
    return os.path.getsize(path)


def to20(a):
    b = a[::2, ::2]
    assert (np.repeat(np.repeat(b, 2, 0), 2, 1) == a).all(), '20 m band is not 2x2 pixel duplication'
    return b


def stamp(desc):
    t = desc[:15]
    return f'{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[9:11]}:{t[11:13]}:{t[13:15]}Z'


items = []
cases = {}


def make_item(item_id, year, date_index, when, tile='31UES', col0=0, col1=W, offset_stored=0, baseline='02.12',
              flag=False, rb_offset=0.0, bias=0, collection=COLLECTION, updated='2020-01-01T00:00:00Z', bbox_shift=0.0,
              cloud_cover=None):
    """One item: COGs of columns col0..col1 of the patch (a 20 m-aligned range), values + offset_stored (+ bias)."""
    x0 = X0 + col0 * 10
    assets = {}
    size = 0
    for band, (key, res) in BANDS.items():
        a = stacks[(year, band)][0][date_index].astype(np.int64)
        a = np.where(a > 0, a + offset_stored + bias, 0).astype(np.uint16)[:, col0:col1]
        data = a if res == 10 else to20(a)
        path = f'cogs/{item_id}/{key}.tif'
        size += write_cog(os.path.join(OUT, path), data, x0, Y0, res, gdal.GDT_UInt16)
        assets[key] = {
            'href': path, 'type': 'image/tiff; application=geotiff; profile=cloud-optimized', 'roles': ['data', 'reflectance'],
            'eo:bands': [{'name': band.replace('B', 'B0') if len(band) == 2 else band, 'common_name': key}],
            'gsd': res, 'proj:shape': list(data.shape), 'proj:transform': [res, 0, x0, 0, -res, Y0],
            'raster:bands': [{'nodata': 0, 'data_type': 'uint16', 'bits_per_sample': 15, 'spatial_resolution': res,
                              'scale': 0.0001, 'offset': rb_offset}],
        }
    scl = stacks[(year, 'SCL')][0][date_index][:, col0:col1]
    cloud = np.where(np.isin(scl, [8, 9, 10]), 100, np.where(scl == 3, 50, 0)).astype(np.uint8)
    cloud = np.where(scl == 0, 0, cloud).astype(np.uint8)
    for key, arr in (('scl', scl), ('cloud', cloud)):
        path = f'cogs/{item_id}/{key}.tif'
        size += write_cog(os.path.join(OUT, path), to20(arr), x0, Y0, 20, gdal.GDT_Byte)
        assets[key] = {'href': path, 'type': 'image/tiff; application=geotiff; profile=cloud-optimized', 'roles': ['data'],
                       'gsd': 20, 'proj:shape': [H // 2, (col1 - col0) // 2], 'proj:transform': [20, 0, x0, 0, -20, Y0],
                       'raster:bands': [{'nodata': 0, 'data_type': 'uint8', 'spatial_resolution': 20}]}
    # bbox in lon/lat of the covered part (plus an optional shift for the far-away decoy)
    from osgeo import osr
    s = osr.SpatialReference(); s.ImportFromEPSG(EPSG)
    t = osr.SpatialReference(); t.ImportFromEPSG(4326); t.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(s, t)
    corners = [ct.TransformPoint(x, y)[:2] for x in (x0, X0 + col1 * 10) for y in (Y0, Y0 - H * 10)]
    lons = [c[0] + bbox_shift for c in corners]
    lats = [c[1] for c in corners]
    bbox = [min(lons), min(lats), max(lons), max(lats)]
    if cloud_cover is None:
        cloud_cover = round(float(np.isin(scl, [8, 9, 10]).mean() * 100), 3)
    item = {
        'type': 'Feature', 'stac_version': '1.0.0', 'id': item_id, 'collection': collection,
        'stac_extensions': ['https://stac-extensions.github.io/eo/v1.1.0/schema.json',
                            'https://stac-extensions.github.io/projection/v1.1.0/schema.json',
                            'https://stac-extensions.github.io/raster/v1.1.0/schema.json'],
        'bbox': bbox,
        'geometry': {'type': 'Polygon', 'coordinates': [[[bbox[0], bbox[1]], [bbox[2], bbox[1]], [bbox[2], bbox[3]], [bbox[0], bbox[3]], [bbox[0], bbox[1]]]]},
        'properties': {
            'datetime': when, 'created': updated, 'updated': updated, 'platform': 'sentinel-2a', 'constellation': 'sentinel-2',
            'eo:cloud_cover': cloud_cover, 's2:processing_baseline': baseline, 'earthsearch:boa_offset_applied': flag,
            's2:mgrs_tile': tile, 'mgrs:utm_zone': 31, 'mgrs:latitude_band': 'U', 'mgrs:grid_square': tile[3:], 'proj:epsg': EPSG,
        },
        'assets': assets, 'links': [],
        '_bytes': size,
    }
    items.append(item)
    return item


def compact(t):
    return t.replace('-', '').replace(':', '')[:15]


clear = {}
for year in (2018, 2019):
    arr, descs = stacks[(year, 'SCL')]
    clear[year] = [i for i in range(len(descs)) if np.isin(arr[i], [3, 8, 9, 10]).mean() < 0.02]

special = dict(zip(['rb_offset', 'baseline_only', 'misflag_applied', 'misflag_rb', 'split', 'duplicate'], clear[2019][:6]))
cases.update({k: stacks[(2019, 'B2')][1][v] for k, v in special.items()})

for year in (2018, 2019):
    descs = stacks[(year, 'B2')][1]
    for i, d in enumerate(descs):
        when = stamp(d)
        base = f'S2A_T31UES_{compact(when)}_L2A'
        if year == 2019 and i == special['rb_offset']:
            make_item(base, year, i, when, offset_stored=1000, baseline='05.00', rb_offset=-0.1)
        elif year == 2019 and i == special['baseline_only']:
            make_item(base, year, i, when, offset_stored=1000, baseline='04.00')
        elif year == 2019 and i == special['misflag_applied']:
            make_item(base, year, i, when, offset_stored=1000, baseline='04.00', flag=True)
        elif year == 2019 and i == special['misflag_rb']:
            make_item(base, year, i, when, offset_stored=0, baseline='05.00', rb_offset=-0.1)
        elif year == 2019 and i == special['split']:
            # Two MGRS tiles of one overpass, a few seconds apart, overlapping over columns 24..39.
            make_item(base, year, i, when, col0=0, col1=40)
            import datetime
            later = (datetime.datetime.strptime(when, '%Y-%m-%dT%H:%M:%SZ') + datetime.timedelta(seconds=3)).strftime('%Y-%m-%dT%H:%M:%SZ')
            make_item(f'S2A_T31UFS_{compact(later)}_L2A', year, i, later, tile='31UFS', col0=24, col1=64)
        elif year == 2019 and i == special['duplicate']:
            make_item(base.replace('_L2A', '_0_L2A'), year, i, when, baseline='02.12', bias=37, updated='2019-06-01T00:00:00Z')
            make_item(base.replace('_L2A', '_1_L2A'), year, i, when, baseline='02.14', updated='2021-03-01T00:00:00Z')
        else:
            make_item(base, year, i, when)

# "2023": the 2019 acquisitions four years later, reprocessed-style, all stored with the +1000 offset.
for i, d in enumerate(stacks[(2019, 'B2')][1]):
    when = '2023' + stamp(d)[4:]
    make_item(f'S2B_T31UES_{compact(when)}_L2A', 2019, i, when, offset_stored=1000, baseline='05.09', rb_offset=-0.1,
              updated='2023-12-01T00:00:00Z')

# Decoys: another collection, a far-away item (bbox shifted 3 degrees east), one in the next year.
first = stamp(stacks[(2019, 'B2')][1][0])
make_item('L1C_decoy', 2019, 0, first, collection='sentinel-2-l1c', bias=500)
make_item('FAR_decoy', 2019, 0, first, bias=500, bbox_shift=3.0)
make_item('NEXTYEAR_decoy', 2019, 0, '2020-01-02T10:50:00Z', bias=500)

collections = [
    {'type': 'Collection', 'stac_version': '1.0.0', 'id': c, 'description': f'{c} (offline test copy)', 'license': 'proprietary',
     'extent': {'spatial': {'bbox': [[-180, -90, 180, 90]]}, 'temporal': {'interval': [['2015-06-27T00:00:00Z', None]]}}, 'links': []}
    for c in (COLLECTION, 'sentinel-2-l1c')
]
grid = {'width': W, 'height': H, 'geoTransform': list(gt), 'epsg': EPSG}
with open(os.path.join(OUT, 'items.json'), 'w') as f:
    json.dump({'items': items, 'collections': collections, 'cases': cases, 'grid': grid}, f)

# The same catalogue as a static STAC catalogue (catalog.json -> collection.json -> items/<id>.json).
static = os.path.join(OUT, 'static')
os.makedirs(os.path.join(static, 'items'), exist_ok=True)
mine = [it for it in items if it['collection'] == COLLECTION]
with open(os.path.join(static, 'catalog.json'), 'w') as f:
    json.dump({'type': 'Catalog', 'stac_version': '1.0.0', 'id': 'offline', 'description': 'offline test catalogue',
               'links': [{'rel': 'child', 'href': './collection.json'}]}, f)
with open(os.path.join(static, 'collection.json'), 'w') as f:
    col = dict(collections[0])
    col['links'] = [{'rel': 'item', 'href': f'./items/{it["id"]}.json'} for it in mine]
    json.dump(col, f)
for it in mine:
    copy = json.loads(json.dumps(it))
    for a in copy['assets'].values():
        a['href'] = '../../' + a['href']
    with open(os.path.join(static, 'items', it['id'] + '.json'), 'w') as f:
        json.dump(copy, f)
print(json.dumps({'items': len(items), 'cases': cases}))
