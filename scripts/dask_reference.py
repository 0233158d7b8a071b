#!/usr/bin/env python3
"""The notebook workflow with its composites computed by dask + rasterio: what a Python user would write to go
faster. Tile-aligned 512 px windows, each a dask task on a pool of 2 processes (the machine's cores), rasterio
reading all dates of a window at once; the per-window numpy code, sampling, XGBoost, classification and diff are
those of notebook_reference.py, so the semantics are the same.

usage: dask_reference.py --dir DIR --labels DIR/labels --out OUT.json [--prefix P] [--years 2019 2022] [--workers 2]
needs: Debian python3-dask, python3-rasterio (plus notebook_reference.py's numpy, GDAL, xgboost)
"""
import argparse
import json
import os
import sys
import time

import dask
import numpy as np
import rasterio
from osgeo import gdal
from rasterio.windows import Window

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notebook_reference as nb  # noqa: E402

WIN = 512
_open = {}


class Raster:
    """rasterio behind the two calls notebook_reference.composite_window makes (RasterCount, ReadAsArray)."""

    def __init__(self, path):
        self.ds = rasterio.open(path)
        self.RasterCount = self.ds.count

    def ReadAsArray(self, x, y, w, h):
        return self.ds.read(window=Window(x, y, w, h))


def raster(path):
    if path not in _open:  # one open dataset per file per worker process
        _open[path] = Raster(path)
    return _open[path]


def block(d, prefix, year, x, y, w, h):
    files = {b: raster(os.path.join(d, f"{prefix}_{year}_{b}.tif")) for b in nb.BANDS}
    return nb.composite_window(files, raster(os.path.join(d, f"{prefix}_{year}_probability.tif")), x, y, w, h)[0]


def composite(d, prefix, year, workers):
    ds = gdal.Open(os.path.join(d, f"{prefix}_{year}_B2.tif"))
    W, H = ds.RasterXSize, ds.RasterYSize
    wins = [(x, y, min(WIN, W - x), min(WIN, H - y)) for y in range(0, H, WIN) for x in range(0, W, WIN)]
    parts = dask.compute(*[dask.delayed(block)(d, prefix, year, *w) for w in wins], scheduler="processes", num_workers=workers)
    out = np.full((H, W, parts[0].shape[-1]), np.nan, np.float32)
    for (x, y, w, h), p in zip(wins, parts):
        out[y:y + h, x:x + w] = p
    return ds, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prefix", default="S2_SR_demo")
    ap.add_argument("--years", nargs=2, type=int, default=[2019, 2022])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    t0 = time.time()
    maps, accs, composite_seconds = {}, {}, 0.0
    for year in args.years:
        t1 = time.time()
        ds, comp = composite(args.dir, args.prefix, year, args.workers)
        composite_seconds += time.time() - t1
        labels = nb.rasterize_labels(ds, os.path.join(args.labels, str(year)), year)
        sel = labels >= 0
        X, y = comp[sel], labels[sel]
        finite = np.all(np.isfinite(X), axis=1)
        model, accs[year] = nb.train(X[finite], y[finite])
        maps[year] = nb.classify(model, comp)
    gt = ds.GetGeoTransform()
    km2 = abs(gt[1] * gt[5]) / 1e6
    a, b = maps[args.years[0]], maps[args.years[1]]
    valid = (a != 255) & (b != 255)
    fi, ai = nb.CLASSES.index("forest"), nb.CLASSES.index("asgm")
    before, after = float(np.sum(a[valid] == ai)) * km2, float(np.sum(b[valid] == ai)) * km2
    result = {
        "seconds": time.time() - t0, "compositeSeconds": composite_seconds, "validationAccuracy": accs,
        "forestToAsgmKm2": float(np.sum((a == fi) & (b == ai) & valid)) * km2,
        "asgmChangePercent": (after - before) / before * 100 if before else None,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
