#!/usr/bin/env python3
"""Class maps vs truth after remapping our codes to the truth's (so any class order compares), with uncertain
(254) kept apart: accuracy on decided pixels, uncertain share, recall per truth class (uncertain = missed).

usage: compare_remapped.py SPEC_JSON  spec: { pairs: [{ ours, truth, remap: [truth code of our code 0, 1, ...] }] }
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
out = []
for p in json.loads(sys.argv[1])["pairs"]:
    raw = gdal.Open(p["ours"]).ReadAsArray().astype(int)
    truth = gdal.Open(p["truth"]).ReadAsArray().astype(int)
    lut = np.arange(256)
    for ours_code, truth_code in enumerate(p["remap"]):
        lut[ours_code] = truth_code
    ours = lut[raw]
    data = ours != 255
    decided = (ours < 254) & (truth < 255)
    out.append({
        "accuracy": float(np.mean(ours[data] == truth[data])),
        "classifiedAccuracy": float(np.mean(ours[decided] == truth[decided])),
        "uncertainShare": float(np.mean(ours[data] == 254)),
        "recall": {str(c): float(np.sum((ours == c) & (truth == c)) / max(1, np.sum(truth == c))) for c in range(3)},
    })
print(json.dumps(out))
