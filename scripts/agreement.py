#!/usr/bin/env python3
"""Share of pixels on which two class maps agree (GeoTIFF or .npy, same codes), over all pixels.

usage: agreement.py SPEC_JSON  spec: { pairs: [{ a, b }] }  -> JSON list of { agreement, pixels, differ }
"""
import json
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def load(path):
    return np.load(path) if path.endswith(".npy") else gdal.Open(path).ReadAsArray()


out = []
for p in json.loads(sys.argv[1])["pairs"]:
    a, b = load(p["a"]).astype(int), load(p["b"]).astype(int)
    if a.shape != b.shape:
        raise SystemExit(f"{p['a']} is {a.shape}, {p['b']} is {b.shape}")
    out.append({"agreement": float(np.mean(a == b)), "pixels": int(a.size), "differ": int(np.sum(a != b))})
print(json.dumps(out))
