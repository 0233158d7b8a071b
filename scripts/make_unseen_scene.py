#!/usr/bin/env python3
"""An unseen two-year Sentinel-2 scene for judging Sentiflow, written without the product's demo generator.

It is built from scratch (own geometry, own spectra, own random process) so that a classifier tuned on the demo
cannot pass by knowing its habits. It holds the difficulties issue 9 lists:

- mixed pixels along every class edge (lake shore, river banks, creeks, mine edges, ponds in mines): surfaces
  are drawn with sub-pixel coverage and mixed linearly;
- a sediment-laden river and thin creeks (water unlike the clear reservoir the water polygons sit on);
- turbid mining ponds (brighter than the river, part of the mined area: truth ASGM);
- thin haze that the cloud probability scores below 20, and thin cloud edges, left unmasked;
- cloud shadows that no layer flags;
- orbit-edge no-data wedges (one relative orbit sees only the west of the AOI);
- seasonality (cloud cover, forest NIR, soil moisture, river sediment follow Suriname's wet and dry seasons).

Spectra (surface reflectance x 10000, bands B2 B3 B4 B5 B6 B7 B8 B8A B11 B12) are set within the ranges that
published Sentinel-2 L2A studies report for these surfaces: dense tropical forest (B4 ~0.02-0.03, B8 ~0.25-0.35,
B11 ~0.12-0.16, B12 ~0.05-0.07), dark tropical reservoir water (< 0.04 everywhere, NIR < 0.015), sediment-laden
Amazon/Guiana rivers (red 0.06-0.10, NIR 0.04-0.06) and mining ponds with very high suspended solids (red
0.12-0.20; Lobo et al. 2018, Remote Sens. 10:1178; Pereira & Lobo 2024, Mining 4:510), white-sand and lateritic
bare soil (B11 0.28-0.35). They are round values chosen in those ranges, not copied from a table.

Writes what a GEE `ImageCollection.toBands()` export looks like (DESIGN.md, as s2.load reads it):
  <out>/<PREFIX>_<YEAR>_<BAND>.tif      uint16, one raster band per date, nodata 0, DEFLATE, tiled 256,
                                         band description "<YYYYMMDDTHHMMSS>_<YYYYMMDDTHHMMSS>_T21NZG"
  <out>/<PREFIX>_<YEAR>_probability.tif  uint8 0-100 (s2cloudless-like), same dates
  <out>/labels/<YEAR>/<YEAR>_<class>.shp training polygons, one class per file (EPSG:32621, with .prj)
  <out>/labels_river/<YEAR>/...          the same plus water polygons on the river (a variant, see measure-unseen)
  <out>/truth_<YEAR>.tif                 uint8 truth, 0 water, 1 forest, 2 asgm (majority of the pixel's area)
  <out>/truth_fractions_<YEAR>.tif       uint8 percent of the pixel's area: water, forest, asgm
  <out>/surface_<YEAR>.tif               uint8 dominant surface: 0 lake, 1 river, 2 creek, 3 forest, 4 bare, 5 pond
  <out>/scene.json                       what was made: dates, truth areas and change, phenomena figures

usage: make_unseen_scene.py --out DIR [--small] [--width W --height H --dates N] [--seed S]
                             [--layout pixel|band] [--prefix P] [--years 2019 2022]
"""
import argparse
import json
import math
import os

import numpy as np
from osgeo import gdal, ogr, osr
from scipy import ndimage

gdal.UseExceptions()
ogr.UseExceptions()

BANDS = ["B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"]
CLASSES = ["water", "forest", "asgm"]
SURFACES = ["lake", "river", "creek", "forest", "bare", "pond"]
SURFACE_CLASS = {"lake": 0, "river": 0, "creek": 0, "forest": 1, "bare": 2, "pond": 2}
EPSG = 32621  # UTM 21N: central Suriname
ORIGIN = (731200.0, 552400.0)
PIXEL = 10.0
TILE = 256
LOWRES = 8  # per-date atmosphere fields are drawn on an 8x coarser grid and interpolated

S = {
    "forest": [240, 470, 250, 760, 2150, 2650, 2950, 3150, 1420, 560],
    "lake": [330, 420, 250, 210, 150, 130, 115, 105, 60, 40],
    "river": [560, 850, 880, 900, 620, 560, 500, 460, 160, 100],
    "pond": [850, 1280, 1650, 1720, 1260, 1150, 1050, 960, 290, 170],
    "sand": [1550, 1880, 2150, 2380, 2560, 2700, 2820, 2900, 3250, 2650],
    "laterite": [760, 1060, 1680, 2020, 2260, 2400, 2560, 2700, 3350, 2750],
    "cloud": [3900, 3800, 3750, 3800, 3900, 3950, 4000, 4000, 3200, 2300],
    # additive path radiance of thin haze per unit optical depth (falls off roughly as wavelength^-1.7)
    "haze": [2600, 2100, 1560, 1430, 1330, 1220, 1120, 1080, 380, 230],
}
S = {k: np.array(v, np.float32)[:, None, None] for k, v in S.items()}
# share of the signal left in a cloud shadow (diffuse skylight is blue-rich, so blue keeps most)
SHADOW_KEEP = np.array([0.5, 0.42, 0.38, 0.36, 0.33, 0.32, 0.31, 0.31, 0.29, 0.28], np.float32)[:, None, None]


def wet_season(doy):
    """0 (dry) .. 1 (wet): Suriname's long rainy season peaks in June, the short one in January."""
    d = lambda c: min(abs(doy - c), 365 - abs(doy - c))
    return max(math.exp(-0.5 * (d(165) / 45) ** 2), 0.6 * math.exp(-0.5 * (d(15) / 30) ** 2))


def field(rng, h, w, sigma):
    """A smooth zero-mean unit-variance Gaussian random field (white noise through a Gaussian filter)."""
    a = ndimage.gaussian_filter(rng.standard_normal((h, w)).astype(np.float32), sigma, mode="wrap")
    return (a - a.mean()) / (a.std() + 1e-9)


class Upsampler:
    """Bilinear interpolation of a LOWRES-coarse field at the pixel centres of a full-resolution window."""

    def __init__(self, y0, x0, h, w, low_shape):
        def axis(start, n, size):
            c = (np.arange(start, start + n) + 0.5) / LOWRES - 0.5
            i0 = np.clip(np.floor(c).astype(int), 0, size - 2)
            return i0, np.clip(c - i0, 0, 1).astype(np.float32)

        self.iy, self.wy = axis(y0, h, low_shape[0])
        self.ix, self.wx = axis(x0, w, low_shape[1])

    def __call__(self, low, dy=0, dx=0):
        iy = np.clip(self.iy + dy, 0, low.shape[0] - 2)
        ix = np.clip(self.ix + dx, 0, low.shape[1] - 2)
        a = low[np.ix_(iy, ix)]
        b = low[np.ix_(iy, ix + 1)]
        c = low[np.ix_(iy + 1, ix)]
        d = low[np.ix_(iy + 1, ix + 1)]
        wx, wy = self.wx[None, :], self.wy[:, None]
        return (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy


# ---------------------------------------------------------------- geometry (sub-pixel coverage, then mixing)

def paint(F, name, cov, ys, xs):
    """Lays surface `name` with coverage `cov` (0..1) over what is there (the others shrink in proportion)."""
    if not np.any(cov > 0):
        return
    for k in F:
        F[k][ys, xs] *= 1 - cov
    F[name][ys, xs] += cov


def star(rng, radius, rough):
    """Radius as a function of angle: a blob with random harmonic wobble."""
    ks = np.arange(2, 10)
    amp = rng.normal(0, rough, ks.size) / ks
    ph = rng.uniform(0, 2 * np.pi, ks.size)
    fun = lambda th: radius * np.maximum(0.35, 1 + np.sum(amp[:, None] * np.cos(ks[:, None] * th.ravel()[None, :] + ph[:, None]), 0).reshape(th.shape))
    return fun, radius * (1 + np.sum(np.abs(amp)))


def blob_coverage(shape, cy, cx, rfun, rmax):
    """Window and coverage of a star-shaped blob: signed distance ~ r(theta) - rho, ramped over one pixel."""
    H, W = shape
    y0, y1 = max(0, int(cy - rmax - 2)), min(H, int(cy + rmax + 3))
    x0, x1 = max(0, int(cx - rmax - 2)), min(W, int(cx + rmax + 3))
    if y0 >= y1 or x0 >= x1:
        return None
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    rho = np.hypot(yy - cy, xx - cx)
    cov = np.clip(0.5 + rfun(np.arctan2(yy - cy, xx - cx)) - rho, 0, 1).astype(np.float32)
    return slice(y0, y1), slice(x0, x1), cov


def paint_blob(F, name, cy, cx, shape):
    rfun, rmax = shape
    r = blob_coverage(next(iter(F.values())).shape, cy, cx, rfun, rmax)
    if r:
        paint(F, name, r[2], r[0], r[1])


def line_coverage(shape, pts, widths):
    """Coverage of a polyline with a width per vertex: 0.5 - (distance to the segments - half width)."""
    H, W = shape
    sd = np.full(shape, np.inf, np.float32)
    for (ya, xa), (yb, xb), wa, wb in zip(pts[:-1], pts[1:], widths[:-1], widths[1:]):
        half = max(wa, wb) / 2 + 2
        y0, y1 = max(0, int(min(ya, yb) - half)), min(H, int(max(ya, yb) + half) + 1)
        x0, x1 = max(0, int(min(xa, xb) - half)), min(W, int(max(xa, xb) + half) + 1)
        if y0 >= y1 or x0 >= x1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
        vy, vx = yb - ya, xb - xa
        t = np.clip(((yy - ya) * vy + (xx - xa) * vx) / max(vy * vy + vx * vx, 1e-9), 0, 1)
        dist = np.hypot(yy - (ya + t * vy), xx - (xa + t * vx)) - (wa + t * (wb - wa)) / 2
        np.minimum(sd[y0:y1, x0:x1], dist, out=sd[y0:y1, x0:x1])
    return np.clip(0.5 - sd, 0, 1).astype(np.float32)


def meander(rng, start, heading, length, step, turn):
    """A random walk whose heading wanders smoothly (a creek) from `start` with `heading` (radians)."""
    pts = [start]
    h, dh = heading, 0.0
    for _ in range(int(length / step)):
        dh = 0.85 * dh + rng.normal(0, turn)
        h += dh
        y, x = pts[-1]
        pts.append((y + step * math.sin(h), x + step * math.cos(h)))
    return pts


def build_base(rng, H, W, scale):
    """Forest with a reservoir (and forested islands), a sediment-laden river and creeks: the same both years."""
    F = {s: np.zeros((H, W), np.float32) for s in SURFACES}
    F["forest"][:] = 1
    # Reservoir in a corner third, with drowned-valley arms (rough outline) and islands.
    ly, lx = rng.uniform(0.25, 0.45) * H, rng.choice([rng.uniform(0.12, 0.25), rng.uniform(0.75, 0.88)]) * W
    lr = 0.16 * min(H, W)
    paint_blob(F, "lake", ly, lx, star(rng, lr, 0.9))
    for _ in range(rng.integers(2, 5)):
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(0.2, 0.6) * lr
        ir = rng.uniform(3, 9)
        paint_blob(F, "forest", ly + d * math.sin(a), lx + d * math.cos(a), star(rng, ir, 0.6))
    # The river crosses the AOI west to east below the reservoir, meandering, 6-12 px wide.
    xs = np.arange(-20, W + 24, 4.0)
    base_y = rng.uniform(0.62, 0.75) * H
    y = base_y + sum(rng.uniform(10, 35) * np.sin(2 * np.pi * xs / rng.uniform(180, 420) + rng.uniform(0, 6.3)) for _ in range(3))
    river = list(zip(y, xs))
    rw = 9 + 3 * np.sin(xs / rng.uniform(120, 260) + rng.uniform(0, 6.3))
    paint(F, "river", line_coverage((H, W), river, rw), slice(None), slice(None))
    # Creeks: tributaries leaving the river north and south, narrowing upstream (3 px to a sub-pixel 1.1 px).
    creeks = []
    for i in range(int(round(8 * scale))):
        j = rng.integers(5, len(river) - 5)
        up = -1 if rng.random() < 0.6 else 1  # more creeks drain the upland north of the river
        pts = meander(rng, river[j], up * math.pi / 2 + rng.normal(0, 0.5), rng.uniform(150, 420), 3.0, 0.06)
        creeks.append(pts)
        if rng.random() < 0.35:
            k = len(pts) // 2
            creeks.append(meander(rng, pts[k], up * math.pi / 2 + rng.choice([-0.9, 0.9]), rng.uniform(80, 200), 3.0, 0.06))
    for pts in creeks:
        n = len(pts)
        # a creek ends at the reservoir's shore: it does not paint over open water
        paint(F, "creek", line_coverage((H, W), pts, np.linspace(3.0, 1.1, n)) * (1 - F["lake"] - F["river"]), slice(None), slice(None))
    return F, river, creeks


def site_spot(rng, creeks, base):
    """A point along a creek, inside the AOI (30 px margin) and off the reservoir, where a new mine opens."""
    H, W = base["lake"].shape
    for _ in range(200):
        pts = creeks[rng.integers(len(creeks))]
        y, x = pts[int(rng.uniform(0.15, 0.9) * (len(pts) - 1))]
        if 30 <= y < H - 30 and 30 <= x < W - 30 and base["lake"][int(y), int(x)] < 0.1 and base["river"][int(y), int(x)] < 0.1:
            return y, x
    raise SystemExit("no room for a mining site: make the scene larger")


def place_mines(rng, creeks, base, scale):
    """Mining sites along creeks (alluvial mining works the valley floors): blobs of bare ground with ponds."""
    return [new_site(rng, site_spot(rng, creeks, base)) for _ in range(int(round(7 * scale)))]


def new_site(rng, at):
    cy, cx = at
    blobs, ponds = [], []
    for _ in range(rng.integers(3, 7)):
        r = rng.uniform(6, 20)
        blobs.append([cy + rng.normal(0, 14), cx + rng.normal(0, 14), r, rng.integers(1 << 30)])
    for b in blobs[: rng.integers(2, 5)]:
        ponds.append([b[0] + rng.normal(0, b[2] * 0.3), b[1] + rng.normal(0, b[2] * 0.3), rng.uniform(2, min(7, b[2] * 0.5)), rng.integers(1 << 30)])
    return {"blobs": blobs, "ponds": ponds}


def grow_sites(rng, sites, creeks, base, scale):
    """Year two: every site widens and gains pits; some ponds are filled, new ones dug; new sites open."""
    out = []
    for s in sites:
        blobs = [[y, x, r * rng.uniform(1.1, 1.45), seed] for y, x, r, seed in s["blobs"]]
        ponds = [p for p in s["ponds"] if rng.random() < 0.7]
        for _ in range(rng.integers(1, 4)):
            y, x, r, _s = blobs[rng.integers(len(blobs))]
            a = rng.uniform(0, 2 * np.pi)
            nb = [y + r * math.sin(a), x + r * math.cos(a), rng.uniform(6, 16), rng.integers(1 << 30)]
            blobs.append(nb)
            if rng.random() < 0.6:
                ponds.append([nb[0], nb[1], rng.uniform(2, 6), rng.integers(1 << 30)])
        out.append({"blobs": blobs, "ponds": ponds})
    for _ in range(int(round(2 * scale))):
        out.append(new_site(rng, site_spot(rng, creeks, base)))
    return out


def paint_sites(F, sites):
    """Pits and ponds over forest and creeks; the reservoir and the river stay water (mines stop at their banks)."""
    for name, key, rough in (("bare", "blobs", 0.7), ("pond", "ponds", 0.5)):
        for s in sites:
            for y, x, r, seed in s[key]:
                rfun, rmax = star(np.random.default_rng(seed), r, rough)
                b = blob_coverage(F["lake"].shape, y, x, rfun, rmax)
                if b:
                    ys, xs, cov = b
                    paint(F, name, cov * np.clip(1 - F["lake"][ys, xs] - F["river"][ys, xs], 0, 1), ys, xs)


# ---------------------------------------------------------------- acquisitions and the atmosphere

def make_dates(rng, year, n):
    """n acquisitions spread over the year (5-day revisit at 72), two relative orbits alternating."""
    step = 365.0 / n
    out = []
    for i in range(n):
        doy = int(min(364, max(0, round(i * step + rng.uniform(0, step * 0.6)))))
        day = np.datetime64(f"{year}-01-01") + np.timedelta64(doy, "D")
        secs = int(rng.integers(0, 60))
        t1 = f"{str(day).replace('-', '')}T1410{secs:02d}"
        t2 = f"{str(day).replace('-', '')}T1410{max(0, secs - 5):02d}"
        out.append({"doy": doy, "desc": f"{t1}_{t2}_T21NZG", "orbit": i % 2})
    return out


def atmosphere(rng, dates, H, W):
    """Per date, on the coarse grid: cloud opacity, haze optical depth, shadow offset, pond turbidity."""
    h, w = H // LOWRES + 3, W // LOWRES + 3
    pad = 24  # room for the shadow offset
    # About a third of the dates are hazy (at least two a year), haze the probability scores below 20.
    hazy = set(rng.choice(len(dates), max(2, round(0.35 * len(dates))), replace=False).tolist())
    for i, d in enumerate(dates):
        wet = wet_season(d["doy"])
        mean_cover = 0.15 + 0.5 * wet
        cover = float(np.clip(rng.beta(2 * mean_cover / (1 - mean_cover) + 0.2, 2.2), 0, 0.97))
        if rng.random() < 0.12:
            cover = 0.0
        f = 0.65 * field(rng, h + 2 * pad, w + 2 * pad, rng.uniform(3, 6)) + 0.35 * field(rng, h + 2 * pad, w + 2 * pad, 1.2)
        t = np.quantile(f, 1 - cover) if cover > 0 else f.max() + 1
        d["cloud"] = np.clip((f - t) / 0.45, 0, 1) ** 0.8
        d["pad"] = pad
        d["cover"] = float(np.mean(d["cloud"][pad:-pad, pad:-pad] > 0.03))
        # Shadows fall 48-120 px west of the clouds (the sun is in the east at the 10:40 local overpass).
        d["shadow_shift"] = (int(rng.integers(-3, 4)), int(rng.integers(6, 16)))  # cells east: shade(x) = cloud(x + dx)
        d["haze_tau"] = float(rng.uniform(0.015, 0.04)) if i in hazy else 0.0
        d["haze"] = np.clip(0.6 + 0.4 * field(rng, h, w, 10), 0, 1.2) * d["haze_tau"]
        d["turbidity"] = 1 + 0.22 * field(rng, h, w, 1.0)
        d["sediment"] = float(0.7 + 0.45 * wet + rng.normal(0, 0.06))
        d["gain"] = float(rng.normal(1.0, 0.01))
    return dates


def orbit_edge(W, H, rng):
    """Relative orbit 1 images only west of a slanted swath edge (x < a + b*y): a no-data wedge in the east."""
    a = rng.uniform(0.62, 0.85) * W
    b = math.tan(math.radians(rng.uniform(8, 14)))
    return a, b


# ---------------------------------------------------------------- pixels

def window_textures(tex, ys, xs):
    return {k: v[ys, xs] for k, v in tex.items()}


def render_window(F, tex, dates, edge, y0, x0, h, w, wrng):
    """All dates of one window: (dates, 10, h, w) uint16 reflectance and (dates, h, w) uint8 probability."""
    ys, xs = slice(y0, y0 + h), slice(x0, x0 + w)
    f = {k: v[ys, xs][None] for k, v in F.items()}
    t = window_textures(tex, ys, xs)
    up = Upsampler(y0, x0, h, w, dates[0]["haze"].shape)
    upc = Upsampler(y0 + dates[0]["pad"] * LOWRES, x0 + dates[0]["pad"] * LOWRES, h, w, dates[0]["cloud"].shape)
    yy, xx = np.mgrid[y0:y0 + h, x0:x0 + w]
    refl = np.empty((len(dates), len(BANDS), h, w), np.uint16)
    prob = np.empty((len(dates), h, w), np.uint8)
    soil = S["sand"] * t["sandiness"][None] + S["laterite"] * (1 - t["sandiness"][None])
    bright_surface = f["bare"][0] + 0.6 * f["pond"][0]
    for i, d in enumerate(dates):
        wet, season = wet_season(d["doy"]), math.cos(2 * math.pi * (d["doy"] - 290) / 365)
        forest = S["forest"] * t["canopy"][None]
        forest[4:8] *= (1 + 0.06 * season) * t["nir"][None]  # dry-season leaf flush raises NIR
        forest[8:] *= 1 + 0.03 * season
        water_mix = lambda s: S["lake"] + s * (S["river"] - S["lake"])
        moist = 1 - 0.16 * wet * t["wetness"][None]
        refl_s = (
            f["forest"] * forest
            + f["lake"] * S["lake"]
            + f["river"] * water_mix(d["sediment"])
            + f["creek"] * water_mix(0.75 * d["sediment"])
            + f["bare"] * soil * moist * t["soil_bright"][None]
            + f["pond"] * (S["lake"] + up(d["turbidity"])[None] * (S["pond"] - S["lake"]))
        )
        noise = wrng.standard_normal((2, len(BANDS), h, w), np.float32)
        refl_s = refl_s * d["gain"] * (1 + 0.012 * noise[0]) + 12 * noise[1]
        cloud = upc(d["cloud"])
        dy, dx = d["shadow_shift"]
        # only the thicker part of a cloud casts a full shadow
        shade = np.clip((upc(d["cloud"], dy, dx) - 0.45) / 0.4, 0, 1) * (1 - cloud)
        v = refl_s * (1 - shade[None] * (1 - SHADOW_KEEP))
        tau = up(d["haze"])
        v = v * (1 - 0.6 * tau[None]) + tau[None] * S["haze"]
        v = v * (1 - cloud[None]) + cloud[None] * S["cloud"] * (0.9 + 0.1 * cloud[None])
        p = 100 * (1 - np.exp(-cloud / 0.1)) + 3 + 330 * tau + 7 * bright_surface + 2 * wrng.standard_normal((h, w), np.float32)
        refl[i] = np.clip(np.rint(v), 1, 65535)
        prob[i] = np.clip(np.rint(p), 0, 100)
        if d["orbit"] == 1:
            off = xx + 0.5 >= edge[0] + edge[1] * (yy + 0.5)
            refl[i][:, off] = 0
            prob[i][off] = 0
    return refl, prob


def static_textures(rng, H, W):
    """Ground that does not change between the years: canopy texture, forest NIR, soil colour, soil wetness."""
    low = (H // LOWRES + 3, W // LOWRES + 3)
    up = Upsampler(0, 0, H, W, low)
    fine = ndimage.gaussian_filter(rng.standard_normal((H, W)).astype(np.float32), 1.2)
    fine /= fine.std() + 1e-9
    return {
        "canopy": np.exp(0.05 * fine + 0.04 * up(field(rng, *low, 2))).astype(np.float32),
        "nir": (1 + 0.05 * up(field(rng, *low, 4))).astype(np.float32),
        "sandiness": np.clip(0.5 + 0.35 * up(field(rng, *low, 1.2)), 0, 1).astype(np.float32),
        "soil_bright": (1 + 0.08 * up(field(rng, *low, 1.5))).astype(np.float32),
        "wetness": np.clip(0.6 + 0.4 * up(field(rng, *low, 2)), 0, 1).astype(np.float32),
    }


# ---------------------------------------------------------------- files

def create(path, W, H, n, dtype, descriptions, nodata, layout):
    opts = ["TILED=YES", f"BLOCKXSIZE={TILE}", f"BLOCKYSIZE={TILE}", "COMPRESS=DEFLATE", "PREDICTOR=2", "ZLEVEL=1", f"INTERLEAVE={layout.upper()}", "BIGTIFF=IF_SAFER"]
    ds = gdal.GetDriverByName("GTiff").Create(path, W, H, n, dtype, opts)
    ds.SetGeoTransform([ORIGIN[0], PIXEL, 0, ORIGIN[1], 0, -PIXEL])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    ds.SetProjection(srs.ExportToWkt())
    for i, text in enumerate(descriptions):
        b = ds.GetRasterBand(i + 1)
        b.SetDescription(text)
        if nodata is not None:
            b.SetNoDataValue(nodata)
    return ds


def write_single(path, arrays, descriptions, dtype=gdal.GDT_Byte):
    H, W = arrays[0].shape
    ds = create(path, W, H, len(arrays), dtype, descriptions, None, "band")
    for i, a in enumerate(arrays):
        ds.GetRasterBand(i + 1).WriteArray(a)
    ds = None


def to_xy(y, x):
    return ORIGIN[0] + x * PIXEL, ORIGIN[1] - y * PIXEL


def polygon_ring(rng, cy, cx, r):
    n = 10
    th = np.sort(rng.uniform(0, 2 * np.pi, n))
    rr = r * rng.uniform(0.75, 1.0, n)
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for a, q in zip(th, rr):
        ring.AddPoint_2D(*to_xy(cy + q * math.sin(a), cx + q * math.cos(a)))
    ring.CloseRings()
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    return poly


def clearance(inside):
    """Distance (px) from each pixel of `inside` to the nearest pixel outside it or to the scene border."""
    d = ndimage.distance_transform_edt(inside)
    H, W = inside.shape
    yy, xx = np.mgrid[0:H, 0:W]
    return np.minimum(d, np.minimum(np.minimum(yy + 0.5, H - yy - 0.5), np.minimum(xx + 0.5, W - xx - 0.5)))


def training_polygons(rng, F, cls_frac, sites, scale):
    """Polygons per class as a careful analyst draws them: forest, and the reservoir's open water, away from any
    edge (2 px clearance), and the cores of mining sites (bare ground with its ponds). None on the river or creeks."""
    polys = {c: [] for c in CLASSES}
    taken = np.zeros(cls_frac.shape[1:], bool)
    wanted = [("forest", cls_frac[1], int(round(10 * scale)), (8, 18)), ("water", F["lake"], int(round(4 * scale)), (8, 16))]
    for c, frac, n, (rlo, rhi) in wanted:
        room = clearance(frac >= 0.99)
        for _ in range(n):
            r = rng.uniform(rlo, rhi)
            ok = np.argwhere((room > r + 2) & ~taken)
            if len(ok) == 0:
                continue
            cy, cx = ok[rng.integers(len(ok))]
            polys[c].append(polygon_ring(rng, cy + 0.5, cx + 0.5, r))
            k = int(2 * r + 4)
            taken[max(0, cy - k):cy + k + 1, max(0, cx - k):cx + k + 1] = True  # polygons apart, as drawn
    room = clearance(cls_frac[2] >= 0.99)
    for s in sites:
        for y, x, r, _seed in sorted(s["blobs"], key=lambda b: -b[2])[:2]:
            rr = min(8.0, 0.45 * r)
            y0, x0 = max(0, int(y - r)), max(0, int(x - r))
            ok = np.argwhere((room[y0:int(y + r) + 1, x0:int(x + r) + 1] > rr + 1) & ~taken[y0:int(y + r) + 1, x0:int(x + r) + 1])
            if rr < 3 or len(ok) == 0:
                continue
            oy, ox = ok[rng.integers(len(ok))]
            polys["asgm"].append(polygon_ring(rng, y0 + oy + 0.5, x0 + ox + 0.5, rr))
            k = int(2 * rr + 2)
            taken[max(0, y0 + oy - k):y0 + oy + k + 1, max(0, x0 + ox - k):x0 + ox + k + 1] = True
    return polys


def river_polygons(rng, F, scale):
    """Water polygons on the open river (for the labels_river variant: training data that covers the river)."""
    room = clearance(F["river"] >= 0.99)
    out, taken = [], np.zeros(room.shape, bool)
    for _ in range(int(round(4 * scale))):
        r = rng.uniform(2.0, 3.0)
        ok = np.argwhere((room > r + 1) & ~taken)
        if len(ok) == 0:
            break
        cy, cx = ok[rng.integers(len(ok))]
        out.append(polygon_ring(rng, cy + 0.5, cx + 0.5, r))
        taken[max(0, cy - 40):cy + 41, max(0, cx - 40):cx + 41] = True
    return out


def write_polygons(folder, year, polys):
    os.makedirs(folder, exist_ok=True)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    drv = ogr.GetDriverByName("ESRI Shapefile")
    for c, geoms in polys.items():
        path = os.path.join(folder, f"{year}_{c}.shp")
        if os.path.exists(path):
            drv.DeleteDataSource(path)
        ds = drv.CreateDataSource(path)
        layer = ds.CreateLayer(c, srs, ogr.wkbPolygon)
        layer.CreateField(ogr.FieldDefn("id", ogr.OFTInteger))
        layer.CreateField(ogr.FieldDefn("class", ogr.OFTString))
        for i, g in enumerate(geoms):
            feat = ogr.Feature(layer.GetLayerDefn())
            feat.SetField("id", i + 1)
            feat.SetField("class", c)
            feat.SetGeometry(g)
            layer.CreateFeature(feat)
        ds = None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--small", action="store_true", help="1100 x 700 px, 24 dates a year (default: the real AOI size, 3300 x 2200 px, 72 dates)")
    ap.add_argument("--width", type=int)
    ap.add_argument("--height", type=int)
    ap.add_argument("--dates", type=int, help="acquisitions per year")
    ap.add_argument("--seed", type=int, default=20260)
    ap.add_argument("--layout", choices=["pixel", "band"], default="pixel", help="INTERLEAVE of the band files")
    ap.add_argument("--prefix", default="S2_SR_unseen")
    ap.add_argument("--years", nargs=2, type=int, default=[2019, 2022])
    a = ap.parse_args()
    W = a.width or (1100 if a.small else 3300)
    H = a.height or (700 if a.small else 2200)
    n_dates = a.dates or (24 if a.small else 72)
    if W < 200 or H < 150:
        ap.error("the scene needs at least 200 x 150 px")
    os.makedirs(a.out, exist_ok=True)
    gdal.SetCacheMax(512 * 1024 * 1024)
    scale = math.sqrt(W * H / (1100 * 700))
    rng = np.random.default_rng(a.seed)
    base, river, creeks = build_base(rng, H, W, scale)
    tex = static_textures(rng, H, W)
    sites1 = place_mines(rng, creeks, base, scale)
    sites2 = grow_sites(rng, sites1, creeks, base, scale)
    edge = orbit_edge(W, H, rng)
    manifest = {"seed": a.seed, "width": W, "height": H, "datesPerYear": n_dates, "prefix": a.prefix, "layout": a.layout,
                "epsg": EPSG, "classes": {c: i for i, c in enumerate(CLASSES)}, "orbitEdge": {"x0": edge[0], "slope": edge[1]}, "years": {}}
    truths = {}
    for year, sites in zip(a.years, (sites1, sites2)):
        F = {k: v.copy() for k, v in base.items()}
        paint_sites(F, sites)
        cls_frac = np.stack([sum(F[s] for s in SURFACES if SURFACE_CLASS[s] == c) for c in range(3)])
        truth = np.argmax(cls_frac, 0).astype(np.uint8)
        truths[year] = truth
        surface = np.argmax(np.stack([F[s] for s in SURFACES]), 0).astype(np.uint8)
        write_single(os.path.join(a.out, f"truth_{year}.tif"), [truth], ["truth class (0=water, 1=forest, 2=asgm)"])
        write_single(os.path.join(a.out, f"truth_fractions_{year}.tif"), [np.rint(100 * f).astype(np.uint8) for f in cls_frac], [f"percent {c}" for c in CLASSES])
        write_single(os.path.join(a.out, f"surface_{year}.tif"), [surface], ["dominant surface (" + ", ".join(f"{i}={s}" for i, s in enumerate(SURFACES)) + ")"])
        polys = training_polygons(np.random.default_rng([a.seed, year, 1]), F, cls_frac, sites, scale)
        write_polygons(os.path.join(a.out, "labels", str(year)), year, polys)
        # A variant whose water class also has polygons on the river (same other polygons): what the river's
        # errors owe to training data that never saw it.
        extra = river_polygons(np.random.default_rng([a.seed, year, 2]), F, scale)
        write_polygons(os.path.join(a.out, "labels_river", str(year)), year, {**polys, "water": polys["water"] + extra})

        yrng = np.random.default_rng([a.seed, year])
        dates = atmosphere(yrng, make_dates(yrng, year, n_dates), H, W)
        descs = [d["desc"] for d in dates]
        files = {b: create(os.path.join(a.out, f"{a.prefix}_{year}_{b}.tif"), W, H, n_dates, gdal.GDT_UInt16, descs, 0, a.layout) for b in BANDS}
        pfile = create(os.path.join(a.out, f"{a.prefix}_{year}_probability.tif"), W, H, n_dates, gdal.GDT_Byte, descs, None, a.layout)
        band_list = list(range(1, n_dates + 1))
        for y0 in range(0, H, TILE):
            for x0 in range(0, W, TILE):
                h, w = min(TILE, H - y0), min(TILE, W - x0)
                refl, prob = render_window(F, tex, dates, edge, y0, x0, h, w, np.random.default_rng([a.seed, year, y0, x0]))
                for bi, b in enumerate(BANDS):
                    files[b].WriteRaster(x0, y0, w, h, np.ascontiguousarray(refl[:, bi]).tobytes(), buf_type=gdal.GDT_UInt16, band_list=band_list)
                pfile.WriteRaster(x0, y0, w, h, prob.tobytes(), buf_type=gdal.GDT_Byte, band_list=band_list)
        files = pfile = None
        px_km2 = PIXEL * PIXEL / 1e6
        manifest["years"][str(year)] = {
            "dates": descs,
            "cloudCover": [round(d["cover"], 3) for d in dates],
            "hazeOpticalDepth": [round(d["haze_tau"], 4) for d in dates],
            "orbitEdgeDates": [d["desc"] for d in dates if d["orbit"] == 1],
            "truthKm2": {c: float(np.sum(truth == i)) * px_km2 for i, c in enumerate(CLASSES)},
            "surfacePixels": {s: int(np.sum(surface == i)) for i, s in enumerate(SURFACES)},
            "mixedPixels": int(np.sum(np.max(cls_frac, 0) < 0.99)),
            "trainingPolygons": {c: len(v) for c, v in polys.items()},
            "riverPolygons": len(extra),
            "miningSites": len(sites),
        }
    y1, y2 = a.years
    t1, t2 = truths[y1], truths[y2]
    k1, k2 = float(np.sum(t1 == 2)), float(np.sum(t2 == 2))
    manifest["truth"] = {
        "forestToAsgmKm2": float(np.sum((t1 == 1) & (t2 == 2))) * PIXEL * PIXEL / 1e6,
        "asgmChangePercent": (k2 - k1) / k1 * 100 if k1 else None,
        "transitionPixels": [[int(np.sum((t1 == i) & (t2 == j))) for j in range(3)] for i in range(3)],
    }
    with open(os.path.join(a.out, "scene.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps({"out": a.out, "width": W, "height": H, "datesPerYear": n_dates, **manifest["truth"]}))


if __name__ == "__main__":
    main()
