#!/usr/bin/env python3
"""Independent numpy + GDAL computation of a yearly composite, compared with a GeoTIFF Sentiflow exported.

usage: reference_composite.py SPEC_JSON   (spec: dir, prefix, year, bands, cloud: {layer, threshold|classes},
                                            indices, reducers, quantiles, exported)
prints JSON: { features, maxRelError, nanMismatch, worst }
"""
import json
import sys
import warnings

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
spec = json.loads(sys.argv[1])
d, prefix, year = spec["dir"], spec["prefix"], spec["year"]


def read(name):
    ds = gdal.Open(f"{d}/{prefix}_{year}_{name}.tif")
    return ds.ReadAsArray().astype(np.float64).reshape(ds.RasterCount, ds.RasterYSize, ds.RasterXSize)


cloud = spec["cloud"]
if cloud["layer"] == "probability":
    masked = read("probability") > cloud["threshold"]
elif cloud["layer"] == "scl":
    scl = read("SCL")
    masked = np.isin(scl, cloud["classes"]) | (scl == 0)
else:
    masked = None

bands = {}
for b in spec["bands"]:
    a = read(b)
    a[a == 0] = np.nan
    if masked is not None:
        a[masked] = np.nan
    bands[b] = a

r = {k: v * 1e-4 for k, v in bands.items()}
formulas = {
    "NDVI": lambda: (r["B8"] - r["B4"]) / (r["B8"] + r["B4"]),
    "NDWI": lambda: (r["B3"] - r["B8"]) / (r["B3"] + r["B8"]),
    "BSI": lambda: ((r["B11"] + r["B4"]) - (r["B8"] + r["B2"])) / ((r["B11"] + r["B4"]) + (r["B8"] + r["B2"])),
}
variables = dict(bands)
with np.errstate(divide="ignore", invalid="ignore"):
    for name in spec["indices"]:
        v = formulas[name]()
        variables[name] = np.where(np.isfinite(v), v, np.nan)

features, arrays = [], []
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=RuntimeWarning)
    for name, v in variables.items():
        for red in spec["reducers"]:
            f = {"mean": np.nanmean, "std": np.nanstd, "min": np.nanmin, "max": np.nanmax, "median": np.nanmedian}
            if red == "count":
                arrays.append(np.sum(np.isfinite(v), axis=0).astype(np.float64))
            else:
                arrays.append(f[red](v, axis=0))
            features.append(f"{name}_{red}")
        for q in spec["quantiles"]:
            arrays.append(np.nanquantile(v, q, axis=0))
            features.append(f"{name}_q{q * 100:g}")

ds = gdal.Open(spec["exported"])
got_names = [ds.GetRasterBand(i + 1).GetDescription() for i in range(ds.RasterCount)]
got = ds.ReadAsArray().astype(np.float64).reshape(ds.RasterCount, ds.RasterYSize, ds.RasterXSize)
worst, max_rel, nan_mismatch = None, 0.0, 0
missing = [f for f in features if f not in got_names]
for f, ref in zip(features, arrays):
    if f not in got_names:
        continue
    g = got[got_names.index(f)]
    nan_mismatch += int(np.sum(np.isnan(g) != np.isnan(ref)))
    ok = ~np.isnan(ref) & ~np.isnan(g)
    if ok.any():
        rel = np.abs(g[ok] - ref[ok]) / np.maximum(np.abs(ref[ok]), 1e-6)
        if rel.max() > max_rel:
            max_rel, worst = float(rel.max()), f
print(json.dumps({"features": features, "exported": got_names, "missing": missing, "maxRelError": max_rel,
                  "nanMismatch": nan_mismatch, "worst": worst, "nanCount": int(sum(np.isnan(a).sum() for a in arrays))}))
