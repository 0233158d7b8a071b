/**
 * The two published readings of the "difference to reference" mask, each against numpy written the way its
 * source wrote it: the report (B2, B3, B4; mean of each pixel's lowest 10 % of valid values) and the workshop
 * helper (ref = np.nanquantile(B2, 0.1); cloudy where B2 - ref > 1000 DN).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cloudMask, REFERENCE_PRESETS } from './cloudMask.ts';

const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status === 0;
const skip = !hasNumpy && (process.env.CI ? false : 'needs /usr/bin/python3 with numpy');

const SCRIPT = `
import json, math, numpy as np
rng = np.random.default_rng(7)
nd, npx = 40, 60
bands = {b: rng.integers(200, 1800, size=(nd, npx)).astype(np.float64) for b in ['B2', 'B3', 'B4']}
for b, a in bands.items():
    a[rng.random(size=a.shape) < 0.1] = 0           # nodata
    a[7, :] += 1500                                   # a bright (cloudy) date in every band
bands['B2'][11, :] += 1200                            # brighter in blue only (haze)
bands['B2'][13, :30] = np.round(bands['B2'][13, :30]) # keep integers
bands['B2'][:, 0] = 0                                 # all nodata
# exact boundary: a date exactly 1000 DN above the 10 % quantile is not cloudy
col = bands['B2'][:, 5]; v = col[col != 0]; col[20] = np.quantile(v, 0.1) + 1000 if np.quantile(v, 0.1) == int(np.quantile(v, 0.1)) else col[20]
out = {}
# the workshop helper
b2 = np.where(bands['B2'] == 0, np.nan, bands['B2'])
with np.errstate(all='ignore'):
    import warnings; warnings.simplefilter('ignore')
    ref = np.nanquantile(b2, 0.1, axis=0)
    out['workshop'] = (np.nan_to_num(b2 - ref, nan=-1) > 1000).astype(int).T.ravel().tolist()
# the report: per band, mean of the lowest 10 % of valid values; cloudy where every band exceeds it by 0.04 (400 DN)
ex = []
for b in ['B2', 'B3', 'B4']:
    a = bands[b]; e = np.zeros_like(a, dtype=bool)
    for p in range(npx):
        c = a[:, p]; valid = c != 0
        if not valid.any(): continue
        k = max(1, math.ceil(0.1 * valid.sum() - 1e-9))
        r = np.sort(c[valid])[:k].mean()
        e[:, p] = valid & (c - r > 400)
    ex.append(e)
out['report_all'] = np.logical_and.reduce(ex).astype(int).T.ravel().tolist()
out['report_any'] = np.logical_or.reduce(ex).astype(int).T.ravel().tolist()
out['bands'] = {b: a.T.ravel().tolist() for b, a in bands.items()}
out['nd'], out['npx'] = nd, npx
print(json.dumps(out))
`;

test('reference presets match numpy written as their sources wrote them', { skip }, () => {
  const fx = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT], { encoding: 'utf8', maxBuffer: 1 << 26 }));
  const refs = (bands: readonly string[]) => bands.map((b) => Uint16Array.from(fx.bands[b] as number[]));
  const run = (spec: Parameters<typeof cloudMask>[0], bands: readonly string[]) =>
    Array.from(cloudMask(spec, { nDates: fx.nd, nPixels: fx.npx, references: refs(bands), dnOffset: 0 }));
  const w = REFERENCE_PRESETS.workshop;
  const workshop = run({ method: 'reference', referenceBand: 'B2', lowestFraction: 0.1, ...w, bands: [...w.bands] }, w.bands);
  assert.deepEqual(workshop, fx.workshop);
  assert.ok(workshop.filter(Boolean).length > fx.npx, 'the test has cloudy dates');
  const r = REFERENCE_PRESETS.report;
  const report = run({ method: 'reference', referenceBand: 'B2', ...r, bands: [...r.bands] }, r.bands);
  assert.deepEqual(report, fx.report_all);
  const any = run({ method: 'reference', referenceBand: 'B2', ...r, bands: [...r.bands], combine: 'any' }, r.bands);
  assert.deepEqual(any, fx.report_any);
  assert.ok(any.filter(Boolean).length > report.filter(Boolean).length, 'blue-only haze is caught by "any", not by "all"');
});
