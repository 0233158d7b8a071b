#!/usr/bin/env python3
"""Checks that a scene from scripts/make_unseen_scene.py holds the phenomena issue 9 lists, from its files alone
(the GEE-style rasters, the truth layers and the shapefiles; nothing from the maker's internals).

usage: unseen_phenomena.py SCENE_DIR PREFIX YEAR [YEAR ...]  -> JSON with the figures per year
"""
import glob
import json
import os
import re
import sys

import warnings

import numpy as np
from osgeo import gdal, ogr

warnings.simplefilter("ignore", RuntimeWarning)  # nanmedian of pixels never clear
gdal.UseExceptions()
BANDS = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"]
DESC = re.compile(r"^\d{8}T\d{6}_\d{8}T\d{6}_T\d{2}[A-Z]{3}$")
LAKE, RIVER, CREEK, FOREST, BARE, POND = range(6)

scene, prefix, years = sys.argv[1], sys.argv[2], [int(y) for y in sys.argv[3:]]
result = {}
truths = {}
for year in years:
    r = {}
    ds = {b: gdal.Open(os.path.join(scene, f"{prefix}_{year}_{b}.tif")) for b in BANDS + ["probability"]}
    n = ds["B2"].RasterCount
    descs = [ds["B2"].GetRasterBand(i + 1).GetDescription() for i in range(n)]
    r["format"] = {
        "dates": n,
        "descriptionsValid": all(DESC.match(d) for d in descs),
        "sameDates": all([ds[b].GetRasterBand(i + 1).GetDescription() for i in range(n)] == descs for b in ds),
        "uint16Nodata0": all(ds[b].GetRasterBand(1).DataType == gdal.GDT_UInt16 and ds[b].GetRasterBand(1).GetNoDataValue() == 0 for b in BANDS),
        "probabilityByte": ds["probability"].GetRasterBand(1).DataType == gdal.GDT_Byte,
        "compression": ds["B2"].GetMetadata("IMAGE_STRUCTURE").get("COMPRESSION"),
    }
    A = {b: ds[b].ReadAsArray().astype(np.float32).reshape(n, ds[b].RasterYSize, ds[b].RasterXSize) for b in BANDS}
    P = ds["probability"].ReadAsArray().reshape(A["B2"].shape)
    r["format"]["probabilityMax"] = int(P.max())
    surface = gdal.Open(os.path.join(scene, f"surface_{year}.tif")).ReadAsArray()
    frac = gdal.Open(os.path.join(scene, f"truth_fractions_{year}.tif")).ReadAsArray().astype(int)
    truth = gdal.Open(os.path.join(scene, f"truth_{year}.tif")).ReadAsArray()
    truths[year] = truth

    # Mixed pixels along every class edge: pixels whose 4-neighbour has another truth class, and per class pair
    # the pixels holding 10-90 % of each.
    # An edge is a pair of 4-neighbours of different truth classes; it is mixed when either pixel holds two classes.
    mixed = frac.max(0) < 100
    h_edge, v_edge = truth[:, 1:] != truth[:, :-1], truth[1:] != truth[:-1]
    h_mixed, v_mixed = mixed[:, 1:] | mixed[:, :-1], mixed[1:] | mixed[:-1]
    r["edgePairs"] = int(h_edge.sum() + v_edge.sum())
    r["edgeMixedShare"] = float((np.sum(h_edge & h_mixed) + np.sum(v_edge & v_mixed)) / max(1, r["edgePairs"]))
    r["mixedPairs"] = {f"{a}-{b}": int(np.sum((frac[a] >= 10) & (frac[a] <= 90) & (frac[b] >= 10) & (frac[b] <= 90))) for a, b in [(0, 1), (1, 2), (0, 2)]}

    # Clear-sky median per pixel (probability < 5, data present): what the surfaces look like.
    clear = (P < 5) & (A["B2"] > 0)
    med = {}
    for b in ("B2", "B3", "B4", "B8"):
        x = np.where(clear, A[b], np.nan)
        with np.errstate(all="ignore"):
            med[b] = np.nanmedian(x, 0)
    ndwi = (med["B3"] - med["B8"]) / (med["B3"] + med["B8"])
    pure = frac.max(0) == 100

    def stat(mask, v):
        m = mask & np.isfinite(v)
        return float(np.median(v[m])) if m.any() else None

    lake, river, pond = (surface == LAKE) & pure, (surface == RIVER) & pure, (surface == POND) & pure
    r["lakeB4"], r["riverB4"], r["pondB4"] = stat(lake, med["B4"]), stat(river, med["B4"]), stat(pond, med["B4"])
    r["riverNDWI"], r["pondNDWI"], r["lakeNDWI"] = stat(river, ndwi), stat(pond, ndwi), stat(lake, ndwi)
    r["pondTruthAsgm"] = float(np.mean(truth[surface == POND] == 2)) if (surface == POND).any() else None
    r["creekPixels"] = int(np.sum(surface == CREEK))
    creekish = (frac[0] > 0) & (surface != LAKE) & (surface != RIVER) & (frac[0] < 100)
    r["creekMixedPixels"] = int(np.sum(creekish))

    # Thin haze the probability scores below 20: per date, forest pixels with 0 < p < 20, their median B2 above
    # the year's typical clear forest B2.
    forest = (surface == FOREST) & pure
    base_b2 = stat(forest, med["B2"])
    haze = []
    for i in range(n):
        m = forest & (P[i] > 0) & (P[i] < 20) & (A["B2"][i] > 0)
        if m.sum() > 100:
            haze.append({"date": descs[i][:8], "b2Excess": float(np.median(A["B2"][i][m]) - base_b2), "medianProbability": float(np.median(P[i][m]))})
    r["hazeMaxB2Excess"] = max((h["b2Excess"] for h in haze), default=None)
    r["hazeDatesOver40"] = sum(h["b2Excess"] > 40 for h in haze)
    # Unflagged shadows: forest pixel-dates with p < 20 and NIR below 60 % of the pixel's clear median.
    dark = forest[None] & (P < 20) & (A["B8"] > 0) & (A["B8"] < 0.6 * med["B8"][None])
    r["shadowShare"] = float(dark.sum() / max(1, (forest[None] & (P < 20) & (A["B8"] > 0)).sum()))
    r["shadowMeanProbability"] = float(P[dark].mean()) if dark.any() else None

    # Orbit-edge wedges: dates with no data over part of the AOI, bounded by a straight slanted line, in the east.
    wedges = []
    for i in range(n):
        nod = A["B2"][i] == 0
        share = float(nod.mean())
        if 0.02 < share < 0.7:
            rows = np.where(nod.any(1))[0]
            first = np.array([np.argmax(nod[y]) for y in rows], float)
            east = all(nod[y, int(first[k]):].all() for k, y in enumerate(rows))
            slope, icpt = np.polyfit(rows, first, 1)
            wedges.append({"share": share, "slope": float(slope), "maxResidual": float(np.max(np.abs(first - (slope * rows + icpt)))), "eastOfLine": bool(east)})
    r["wedges"] = wedges

    # Seasonality: forest NIR per clear date against the dry-season cosine (peak mid-October). The upper quartile
    # of the date's clear forest pixels, so that unflagged shadows do not decide it.
    doy = np.array([(np.datetime64(f"{d[:4]}-{d[4:6]}-{d[6:8]}") - np.datetime64(f"{d[:4]}-01-01")).astype(int) for d in descs])
    nir, dry = [], []
    for i in range(n):
        m = forest & (P[i] < 5) & (A["B8"][i] > 0)
        if m.sum() > 200:
            nir.append(float(np.percentile(A["B8"][i][m], 75)))
            dry.append(np.cos(2 * np.pi * (doy[i] - 290) / 365))
    r["seasonNirCorrelation"] = float(np.corrcoef(nir, dry)[0, 1]) if len(nir) >= 4 else None
    r["seasonNirRange"] = float(max(nir) - min(nir)) if nir else None

    # Training polygons: one shapefile per class with a .prj; water polygons on the reservoir, none on river/creeks.
    shp = sorted(glob.glob(os.path.join(scene, "labels", str(year), "*.shp")))
    r["shapefiles"] = [os.path.basename(s) for s in shp]
    r["prj"] = all(os.path.exists(s[:-4] + ".prj") for s in shp)
    mem = gdal.GetDriverByName("MEM").Create("", truth.shape[1], truth.shape[0], 1, gdal.GDT_Byte)
    mem.SetGeoTransform(ds["B2"].GetGeoTransform())
    mem.SetProjection(ds["B2"].GetProjection())
    counts = {}
    for s in shp:
        cls = os.path.basename(s)[:-4].split("_", 1)[1]
        src = ogr.Open(s)
        counts[cls] = src.GetLayer(0).GetFeatureCount()
        if cls == "water":
            gdal.RasterizeLayer(mem, [1], src.GetLayer(0), burn_values=[1])
    inwater = mem.GetRasterBand(1).ReadAsArray() == 1
    r["polygons"] = counts
    r["waterPolygonPixelsOnLake"] = float(np.mean(surface[inwater] == LAKE)) if inwater.any() else None
    result[str(year)] = r

t1, t2 = truths[years[0]], truths[years[-1]]
result["change"] = {"forestToAsgmPixels": int(np.sum((t1 == 1) & (t2 == 2))), "asgmBefore": int(np.sum(t1 == 2)), "asgmAfter": int(np.sum(t2 == 2))}
print(json.dumps(result))
