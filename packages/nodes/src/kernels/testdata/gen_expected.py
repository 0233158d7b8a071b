"""Generates expected.json for the kernel tests with numpy (independent of the TypeScript kernels).
Run: /usr/bin/python3 packages/nodes/src/kernels/testdata/gen_expected.py  (from the repo root)."""
import json, math, os
import numpy as np

rng = np.random.default_rng(42)

def enc(a):
    return [None if (isinstance(x, float) and math.isnan(x)) else x for x in np.asarray(a, dtype=np.float64).ravel().tolist()]

out = {}

# --- temporal reducers: [date][pixel] float32 with NaN patterns, all-NaN pixels, ties, single values
n_dates, n_pix = 9, 40
vals = rng.normal(1000, 300, size=(n_dates, n_pix)).astype(np.float32)
vals[rng.random(size=vals.shape) < 0.3] = np.nan
vals[:, 0] = np.nan                      # all-NaN pixel
vals[:, 1] = np.nan; vals[4, 1] = 7.5    # single valid value
vals[:, 2] = 3.0                         # all ties
vals[:, 3] = [1, 2, 2, 2, 5, np.nan, 5, 1, np.nan]  # ties with NaN
vals[:, 4] = [np.nan] * 8 + [-2.25]
vals[:, 5] = [4, 1, np.nan, 3, 2, np.nan, np.nan, np.nan, np.nan]  # even count
v64 = vals.astype(np.float64)
import warnings
warnings.simplefilter('ignore')
red = {
    'mean': np.nanmean(v64, axis=0),
    'std': np.nanstd(v64, axis=0, ddof=0),
    'min': np.nanmin(v64, axis=0),
    'max': np.nanmax(v64, axis=0),
    'median': np.nanmedian(v64, axis=0),
    'count': np.sum(~np.isnan(v64), axis=0).astype(np.float64),
}
for q in [0.1, 0.9, 0.25, 0.05, 0.025, 0.0, 1.0, 0.5]:
    red[f'q{q}'] = np.nanquantile(v64, q, axis=0, method='linear')
out['reduce'] = {'nDates': n_dates, 'nPixels': n_pix, 'values': enc(vals), 'expected': {k: enc(v) for k, v in red.items()}}

# --- reference cloud mask (difference to reference), DN uint16 with nodata 0
nd, npx = 30, 25
dn = rng.integers(300, 1500, size=(nd, npx)).astype(np.float64)
dn[rng.random(size=dn.shape) < 0.15] = 0
dn[:, 0] = 0                # all nodata
dn[:, 1] = 0; dn[3, 1] = 900
dn[5, :] = 6000             # a cloudy date
offset, thr, frac = 100, 0.04, 0.1
ref_mask = np.zeros_like(dn, dtype=np.uint8)
for p in range(npx):
    col = dn[:, p]
    valid = col != 0
    # in DN (the threshold 0.04 reflectance = 400 DN), so that a difference of exactly 400 DN is not cloudy
    r = col[valid] - offset
    if r.size == 0:
        continue
    k = max(1, math.ceil(frac * r.size - 1e-9))
    reference = np.sort(r)[:k].mean()
    ref_mask[:, p] = (valid & ((col - offset) - reference > thr * 1e4)).astype(np.uint8)
out['reference'] = {'nDates': nd, 'nPixels': npx, 'dn': enc(dn), 'dnOffset': offset, 'threshold': thr,
                    'lowestFraction': frac, 'expected': ref_mask.ravel().tolist()}

# --- expressions evaluated in float64 (division by zero -> NaN)
b = {k: rng.uniform(0.0, 0.5, size=50) for k in ['B2', 'B4', 'B8', 'B11']}
b['B4'][0] = 0; b['B8'][0] = 0       # 0/0
b['B4'][1] = np.nan                  # NaN input
b['B8'][2] = -b['B4'][2]             # x/0
with np.errstate(all='ignore'):
    ex = {
        '(B8 - B4) / (B8 + B4)': (b['B8'] - b['B4']) / (b['B8'] + b['B4']),
        '1.5 * (B8 - B4) / (B8 + B4 + 0.5)': 1.5 * (b['B8'] - b['B4']) / (b['B8'] + b['B4'] + 0.5),
        '2.5 * (B8 - B4) / (B8 + 6 * B4 - 7.5 * B2 + 1)': 2.5 * (b['B8'] - b['B4']) / (b['B8'] + 6 * b['B4'] - 7.5 * b['B2'] + 1),
        'sqrt(abs(B8 - B11)) + max(B2, B4, B8) - min(B2, B4) * 2^2': np.sqrt(np.abs(b['B8'] - b['B11'])) + np.maximum(np.maximum(b['B2'], b['B4']), b['B8']) - np.minimum(b['B2'], b['B4']) * 4,
        '-B2^2 + exp(B4) - log(B8 + 1) + pow(B11, 0.5) + clamp(B8 * 3, 0.2, 0.9)': -(b['B2'] ** 2) + np.exp(b['B4']) - np.log(b['B8'] + 1) + b['B11'] ** 0.5 + np.clip(b['B8'] * 3, 0.2, 0.9),
    }
    ex = {k: np.where(np.isfinite(v), v, np.nan) for k, v in ex.items()}
out['expressions'] = {'inputs': {k: enc(v) for k, v in b.items()}, 'expected': {k: enc(v) for k, v in ex.items()}}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'expected.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', path)
