#!/usr/bin/env python3
"""Compares Sentiflow class GeoTIFFs with truth rasters and with the notebook's class maps (numpy + GDAL).

usage: compare_classes.py SPEC_JSON  spec: { pairs: [{ ours, truth, notebook? }] }  → JSON per pair
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
out = []
for p in json.loads(sys.argv[1])["pairs"]:
    ours = gdal.Open(p["ours"]).ReadAsArray()
    truth = gdal.Open(p["truth"]).ReadAsArray()
    r = {
        "accuracy": float(np.mean(ours == truth)),
        "recall": {str(c): float(np.sum((ours == c) & (truth == c)) / max(1, np.sum(truth == c))) for c in range(3)},
        "nodata": int(np.sum(ours == 255)),
    }
    # Uncertain pixels (254) are not a class: accuracy on the pixels the map decides, and their share.
    decided = (ours < 254) & (truth < 255)
    r["classifiedAccuracy"] = float(np.mean(ours[decided] == truth[decided])) if decided.any() else None
    r["uncertainShare"] = float(np.mean(ours[ours != 255] == 254)) if (ours != 255).any() else 0.0
    if p.get("notebook"):
        nb = np.load(p["notebook"])
        r["notebookAgreement"] = float(np.mean(nb == ours))
    out.append(r)
print(json.dumps(out))
