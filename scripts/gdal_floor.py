#!/usr/bin/env python3
"""The read-and-inflate floor as a GDAL user pays it: every block of every file read once through GDAL.

Issue 10 defines the floor this way ("GDAL, libdeflate, 2 processes"): GDAL opens each file, and every block
(tile or strip, all bands) is read into one reused numpy buffer, so GDAL inflates it (with libdeflate, which
Debian's GDAL links), undoes the predictor and copies it out of its block cache. `bench.ts` runs this in as many
processes as there are cores, each on its share of the files, and compares Sentiflow's run with it; it also
measures a stricter floor of its own (inflate only, no predictor, no GDAL: `bench-floor-worker.mjs`).

usage: gdal_floor.py FILE...   prints {"seconds": s, "raw": bytes} on stdout
"""
import json
import sys
import time

import numpy as np
from osgeo import gdal, gdal_array

gdal.UseExceptions()


def read_every_block(path):
    ds = gdal.Open(path)
    band = ds.GetRasterBand(1)
    bw, bh = band.GetBlockSize()
    np_type = gdal_array.GDALTypeCodeToNumericTypeCode(band.DataType)
    w, h, n = ds.RasterXSize, ds.RasterYSize, ds.RasterCount
    raw = 0
    buffers = {}
    for y in range(0, h, bh):
        for x in range(0, w, bw):
            cw, ch = min(bw, w - x), min(bh, h - y)
            buf = buffers.get((cw, ch))
            if buf is None:
                buf = buffers[(cw, ch)] = np.empty((n, ch, cw), dtype=np_type)
            ds.ReadAsArray(x, y, cw, ch, buf_obj=buf)
            raw += buf.nbytes
    ds = None
    return raw


def main():
    t0 = time.perf_counter()
    raw = sum(read_every_block(p) for p in sys.argv[1:])
    print(json.dumps({"seconds": time.perf_counter() - t0, "raw": raw}))


if __name__ == "__main__":
    main()
