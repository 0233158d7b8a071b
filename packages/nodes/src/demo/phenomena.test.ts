/**
 * The demo scene makes honest mistakes possible: every phenomenon the issue lists is present, measured on the
 * generator's own building blocks (no files needed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cloudWindow, isNodata, planDates } from './clouds.ts';
import { COVER, createLandscape, truthClass } from './landscape.ts';
import { dateFactors, SIGNATURES } from './spectra.ts';
import { drawLabels } from './labels.ts';
import { demoGrid } from './generate.ts';
import { rasterizePolygons } from '../kernels/rasterizePolygons.ts';

const W = 320, H = 240, SEED = 5;
const land = createLandscape(W, H, [2019, 2022], SEED);
const win = { x: 0, y: 0, width: W, height: H };
const cover = land.cover(win, 2019);

test('a sediment-laden river and creeks: water in the truth, browner than the lake, never labelled', () => {
  const river = cover.filter((c) => c === COVER.RIVER).length;
  assert.ok(river > 0.005 * W * H, `river pixels ${river}`);
  assert.equal(truthClass(COVER.RIVER), 0);
  assert.ok(SIGNATURES[COVER.RIVER][2] > SIGNATURES[COVER.WATER][2] * 1.2, 'red reflectance of sediment');
  const labels = drawLabels(land, demoGrid(W, H), 2019, SEED);
  for (const l of labels) {
    const inside = rasterizePolygons([l.polygons], demoGrid(W, H), win);
    for (let i = 0; i < inside.length; i++) if (inside[i] >= 0) assert.notEqual(cover[i], COVER.RIVER, `${l.className} label on the river`);
  }
  // creeks: river pixels far from the main channel's rows exist (thin lines leaving it)
  const rows = new Set<number>();
  for (let i = 0; i < cover.length; i++) if (cover[i] === COVER.RIVER) rows.add(Math.floor(i / W));
  assert.ok(rows.size > 0.3 * H, `river/creek rows ${rows.size}`);
});

test('mixed pixels at every edge between covers', () => {
  const mix = land.mixture(win, 2019, cover);
  let edges = 0, mixedEdges = 0;
  const pairs = new Set<string>();
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      const i = y * W + x;
      if (cover[i + 1] === cover[i] && cover[i + W] === cover[i]) continue;
      edges++;
      if (mix.fraction[i] > 0) {
        mixedEdges++;
        pairs.add([cover[i], mix.other[i]].sort().join('-'));
      }
    }
  }
  assert.ok(mixedEdges > 0.3 * edges, `${mixedEdges} of ${edges} edge pixels mixed`);
  for (const p of [`${COVER.FOREST}-${COVER.RIVER}`, `${COVER.FOREST}-${COVER.SOIL}`, `${COVER.WATER}-${COVER.FOREST}`]) assert.ok(pairs.has(p), `mixed ${p}: ${[...pairs]}`);
});

test('thin haze the probability scores below 20, unflagged shadows, no-data wedges, seasonality', () => {
  const plans = planDates(60, SEED);
  const hazy = plans.filter((p) => p.haze > 0).sort((a, b) => b.haze - a.haze);
  assert.ok(hazy.length > 3, 'dates with thin haze');
  const cw = cloudWindow(win, H, hazy[0]);
  const noHaze = cloudWindow(win, H, { ...hazy[0], haze: 0 });
  let hazed = 0;
  for (let i = 0; i < cw.haze.length; i++) {
    if (cw.haze[i] > 0.03) {
      hazed++;
      // haze adds at most a few points: clear sky (1..15) stays below the default threshold of 20
      assert.ok(cw.probability[i] - noHaze.probability[i] <= 6, `haze raised the probability by ${cw.probability[i] - noHaze.probability[i]}`);
      if (noHaze.probability[i] <= 13) assert.ok(cw.probability[i] < 20, `probability ${cw.probability[i]} under haze`);
    }
  }
  assert.ok(hazed > 0.05 * W * H, `hazy pixels ${hazed}`);
  const cloudy = plans.find((p) => p.cover > 0.2 && p.cover < 0.6)!;
  const cc = cloudWindow(win, H, cloudy);
  let lowShadow = 0;
  for (let i = 0; i < cc.shadow.length; i++) if (cc.shadow[i] > 0.5 && cc.probability[i] < 20) lowShadow++;
  assert.ok(lowShadow > 100, `unflagged shadow pixels ${lowShadow}`);
  const wedge = plans.find((p) => p.nodataWedge > 0)!;
  assert.ok(isNodata(W - 1, 0, W, H, wedge) && !isNodata(W - 1, H - 1, W, H, wedge), 'a wedge, widest at the top');
  const dry = dateFactors(330, 1), wet = dateFactors(150, 1);
  assert.ok(Math.abs(wet.turbidity - dry.turbidity) > 0.2 && Math.abs(wet.vegetation - dry.vegetation) > 0.05, 'seasonal change');
});
