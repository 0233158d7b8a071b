#!/usr/bin/env python3
"""The notebook workflow (numpy + GDAL + scikit-learn + xgboost), written independently of Sentiflow.

Used by the integration tests (class-map agreement, composite values) and by `npm run bench -- --notebook`
(the speed reference). Reads the GEE toBands() layout of DESIGN.md, masks clouds by s2cloudless probability,
computes NDVI/NDWI/BSI per date, takes nanmean per pixel over the year, samples labelled polygons (pixel
centres, gdal.RasterizeLayer), drops non-finite rows, splits 70/30, undersamples the training part, fits
XGBoost with its defaults (multi:softprob), classifies the AOI in 500 x 500 chunks and diffs two years.

usage: notebook_reference.py --dir DIR --prefix P --years 2019 2022 --labels DIR/labels --out OUT.json
       [--composite-only YEAR] [--class-tif-dir DIR]
"""
import argparse
import glob
import json
import os
import time

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
BANDS = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"]
CLASSES = ["water", "forest", "asgm"]
CHUNK = 500


def open_year(d, prefix, year):
    files = {b: gdal.Open(os.path.join(d, f"{prefix}_{year}_{b}.tif")) for b in BANDS}
    prob = gdal.Open(os.path.join(d, f"{prefix}_{year}_probability.tif"))
    return files, prob


def read(ds, x, y, w, h):
    return ds.ReadAsArray(x, y, w, h).astype(np.float32).reshape(ds.RasterCount, h, w)


def composite_window(files, prob, x, y, w, h, threshold=20):
    p = read(prob, x, y, w, h)
    cloudy = p > threshold
    arrs = {}
    for b in BANDS:
        a = read(files[b], x, y, w, h)
        a[(a == 0) | cloudy] = np.nan
        arrs[b] = a
    r = {b: arrs[b] * 1e-4 for b in ("B2", "B3", "B4", "B8", "B11")}
    with np.errstate(divide="ignore", invalid="ignore"):
        idx = {
            "NDVI": (r["B8"] - r["B4"]) / (r["B8"] + r["B4"]),
            "NDWI": (r["B3"] - r["B8"]) / (r["B3"] + r["B8"]),
            "BSI": ((r["B11"] + r["B4"]) - (r["B8"] + r["B2"])) / ((r["B11"] + r["B4"]) + (r["B8"] + r["B2"])),
        }
    feats, names = [], []
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        for name, a in list(arrs.items()) + list(idx.items()):
            a = np.where(np.isfinite(a), a, np.nan)
            feats.append(np.nanmean(a, axis=0))
            names.append(f"{name}_mean")
    return np.stack(feats, axis=-1), names  # h, w, features


def full_composite(files, prob):
    ds = files["B2"]
    W, H = ds.RasterXSize, ds.RasterYSize
    out = None
    for y in range(0, H, CHUNK):
        for x in range(0, W, CHUNK):
            w, h = min(CHUNK, W - x), min(CHUNK, H - y)
            block, names = composite_window(files, prob, x, y, w, h)
            if out is None:
                out = np.full((H, W, block.shape[-1]), np.nan, np.float32)
            out[y:y + h, x:x + w] = block
    return out, names


def rasterize_labels(ds, label_dir, year):
    W, H = ds.RasterXSize, ds.RasterYSize
    mem = gdal.GetDriverByName("MEM").Create("", W, H, 1, gdal.GDT_Int32)
    mem.SetGeoTransform(ds.GetGeoTransform())
    mem.SetProjection(ds.GetProjection())
    band = mem.GetRasterBand(1)
    band.Fill(-1)
    for ci, c in enumerate(CLASSES):
        for shp in glob.glob(os.path.join(label_dir, f"*_{c}.shp")):
            src = ogr.Open(shp)
            gdal.RasterizeLayer(mem, [1], src.GetLayer(0), burn_values=[ci])
    return band.ReadAsArray()


def train(X, y, seed=42):
    import xgboost as xgb

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    n_train = int(round(0.7 * len(y)))
    tr, va = order[:n_train], order[n_train:]
    counts = [np.sum(y[tr] == c) for c in range(len(CLASSES))]
    m = min(counts)
    balanced = np.concatenate([rng.choice(tr[y[tr] == c], m, replace=False) for c in range(len(CLASSES))])
    model = xgb.XGBClassifier(n_estimators=100, max_depth=6, learning_rate=0.3, objective="multi:softprob", n_jobs=2)
    model.fit(X[balanced], y[balanced])
    acc = float(np.mean(model.predict(X[va]) == y[va]))
    return model, acc


def classify(model, comp):
    H, W, F = comp.shape
    cls = np.full((H, W), 255, np.uint8)
    for y in range(0, H, CHUNK):
        for x in range(0, W, CHUNK):
            block = comp[y:y + CHUNK, x:x + CHUNK]
            flat = block.reshape(-1, F)
            ok = np.all(np.isfinite(flat), axis=1)
            out = np.full(flat.shape[0], 255, np.uint8)
            if ok.any():
                out[ok] = np.argmax(model.predict_proba(flat[ok]), axis=1)
            cls[y:y + block.shape[0], x:x + block.shape[1]] = out.reshape(block.shape[:2])
    return cls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--prefix", default="S2_SR_demo")
    ap.add_argument("--years", nargs=2, type=int, default=[2019, 2022])
    ap.add_argument("--labels", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--class-npy-dir")
    ap.add_argument("--seed", type=int, default=42, help="split/undersampling seed (two seeds show the notebook's own spread)")
    args = ap.parse_args()
    t0 = time.time()
    maps, accs = {}, {}
    pixel_km2 = None
    for year in args.years:
        files, prob = open_year(args.dir, args.prefix, year)
        gt = files["B2"].GetGeoTransform()
        pixel_km2 = abs(gt[1] * gt[5]) / 1e6
        comp, names = full_composite(files, prob)
        labels = rasterize_labels(files["B2"], os.path.join(args.labels, str(year)), year)
        sel = labels >= 0
        X, y = comp[sel], labels[sel]
        finite = np.all(np.isfinite(X), axis=1)
        model, acc = train(X[finite], y[finite], seed=args.seed)
        maps[year] = classify(model, comp)
        accs[year] = acc
        if args.class_npy_dir:
            np.save(os.path.join(args.class_npy_dir, f"classes_{year}.npy"), maps[year])
    a, b = maps[args.years[0]], maps[args.years[1]]
    valid = (a != 255) & (b != 255)
    fi, ai = CLASSES.index("forest"), CLASSES.index("asgm")
    before = float(np.sum(a[valid] == ai)) * pixel_km2
    after = float(np.sum(b[valid] == ai)) * pixel_km2
    result = {
        "seconds": time.time() - t0,
        "features": names,
        "validationAccuracy": accs,
        "forestToAsgmKm2": float(np.sum((a == fi) & (b == ai) & valid)) * pixel_km2,
        "asgmChangePercent": (after - before) / before * 100 if before else None,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
