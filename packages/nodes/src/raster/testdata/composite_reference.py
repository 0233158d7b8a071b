"""Independent numpy + GDAL reference for evaluateCompositeWindow (test-only).
stdin: JSON {bands: {name: path}, cloud: path|null, mask: CloudMaskSpec, dnOffset, indices: [{name, expression}],
variables, reducers: ["mean", ..., {"quantile": q}], window: {x, y, width, height}}
stdout: JSON {feature name: [values row-major, null = NaN]}"""
import json, math, sys
import numpy as np
from osgeo import gdal

cfg = json.load(sys.stdin)
w = cfg['window']

def read(path):
    ds = gdal.Open(path)
    return ds.ReadAsArray(w['x'], w['y'], w['width'], w['height']).astype(np.float64).reshape(ds.RasterCount, -1)

raw = {name: read(path) for name, path in cfg['bands'].items()}
nd = next(iter(raw.values())).shape[0]
off = cfg['dnOffset']
m = cfg['mask']
mask = np.zeros_like(next(iter(raw.values())), dtype=bool)
if m['method'] == 'probability':
    mask = read(cfg['cloud']) > m['threshold']
elif m['method'] == 'scl':
    scl = read(cfg['cloud'])
    mask = np.isin(scl, m['classes']) | (scl == 0)
elif m['method'] == 'reference':
    # In DN (threshold 0.04 reflectance = 400 DN): a difference of exactly 400 DN is not "more than" 0.04.
    b = raw[m['referenceBand']]
    refl = np.where(b == 0, np.nan, (b - off).astype(np.float64))
    srt = np.sort(refl, axis=0)  # NaN last
    nvalid = np.sum(~np.isnan(refl), axis=0)
    reference = np.full(refl.shape[1], np.nan)
    for p in range(refl.shape[1]):
        if nvalid[p]:
            k = max(1, math.ceil(m['lowestFraction'] * nvalid[p] - 1e-9))
            reference[p] = srt[:k, p].mean()
    with np.errstate(invalid='ignore'):
        mask = (refl - reference[None, :]) > round(m['threshold'] * 1e4, 6)

dn = {k: np.where((v == 0) | mask, np.nan, v - off) for k, v in raw.items()}
variables = {}
for name in cfg['variables']:
    if name in dn:
        variables[name] = dn[name]
    else:
        expr = next(i['expression'] for i in cfg['indices'] if i['name'] == name).replace('^', '**')
        env = {k: v * 1e-4 for k, v in dn.items()}
        with np.errstate(all='ignore'):
            val = eval(expr, {'__builtins__': {}, 'sqrt': np.sqrt, 'abs': np.abs}, env)
        variables[name] = np.where(np.isfinite(val), val, np.nan)

out = {}
import warnings
warnings.simplefilter('ignore')
for name, v in variables.items():
    for r in cfg['reducers']:
        if isinstance(r, dict):
            q = r['quantile']
            key, val = f"{name}_q{float(np.format_float_positional(q * 100, precision=10)):g}", np.nanquantile(v, q, axis=0)
        else:
            f = {'mean': np.nanmean, 'std': np.nanstd, 'min': np.nanmin, 'max': np.nanmax, 'median': np.nanmedian,
                 'count': lambda a, axis: np.sum(~np.isnan(a), axis=axis).astype(np.float64)}[r]
            key, val = f'{name}_{r}', f(v, axis=0)
        out[key] = [None if math.isnan(x) else x for x in val.tolist()]
json.dump(out, sys.stdout)
