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
    if p.get("notebook"):
        nb = np.load(p["notebook"])
        r["notebookAgreement"] = float(np.mean(nb == ours))
    out.append(r)
print(json.dumps(out))
