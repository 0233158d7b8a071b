/**
 * Does the 95 % CI mean what it says? On the demo's ground truth (transitions 2019 -> 2022) with a map that
 * errs like a classifier does (edges of water and mining, scattered noise, uncertain pixels), 100 seeded
 * stratified samples (the design of validation.sampleChange: transitions, uncertain, a 1-px buffer around
 * the mapped asgm; <= 600 points) labelled from the truth: the CI of forest -> asgm must cover the true area
 * in 90-98 % of them, and be narrow enough to publish (median half-width <= 30 % of the estimate).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLandscape, truthClass } from '../demo/landscape.ts';
import { UNCERTAIN_CODE } from '../values.ts';
import { estimateAreas, type SamplePoint } from '../kernels/areaEstimate.ts';
import { mulberry32 } from '../kernels/sampleSplit.ts';
import { allocateSample, chooseRanks, olofssonSampleSize, StratumPicker } from '../kernels/stratifiedSample.ts';
import { strataCount, stratify, type StrataSpec } from './strata.ts';

const W = 600, H = 400, N_CLASSES = 3;
const FOREST = 1, ASGM = 2;

function truthYear(seed: number, year: number): Uint8Array {
  const land = createLandscape(W, H, [2019, 2022], seed);
  return land.cover({ x: 0, y: 0, width: W, height: H }, year).map(truthClass);
}

/** A classifier's map: near a class edge the class flips with probability 0.35; 0.4 % noise; 0.5 % uncertain. */
function mapOf(truth: Uint8Array, rand: () => number): Uint8Array {
  const out = truth.slice();
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    let other = -1;
    for (let dy = -2; dy <= 2 && other < 0; dy++) for (let dx = -2; dx <= 2; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < W && yy < H && truth[yy * W + xx] !== truth[i]) { other = truth[yy * W + xx]; break; }
    }
    const r = rand();
    if (other >= 0 && r < 0.35) out[i] = other;
    else if (r > 0.996) out[i] = Math.floor(rand() * N_CLASSES);
    else if (r > 0.991) out[i] = UNCERTAIN_CODE;
  }
  return out;
}

test('demo truth, 100 seeded samples of <= 600 points: the 95 % CI of forest -> asgm covers the true area 90-98 % of the time', () => {
  const t19 = truthYear(5, 2019), t22 = truthYear(5, 2022);
  const rand = mulberry32(99);
  const m19 = mapOf(t19, rand), m22 = mapOf(t22, rand);
  const spec: StrataSpec = { design: 'change', nClasses: N_CLASSES, buffer: { pixels: 1, around: ASGM } };
  const nStrata = strataCount(spec);
  const whole = { x: 0, y: 0, width: W, height: H };
  const { strata } = stratify([m19, m22], whole, whole, spec);
  const strataPixels = new Array<number>(nStrata).fill(0);
  let trueF2A = 0, mapF2A = 0;
  for (let i = 0; i < strata.length; i++) {
    strataPixels[strata[i]]++;
    if (t19[i] === FOREST && t22[i] === ASGM) trueF2A++;
    if (m19[i] === FOREST && m22[i] === ASGM) mapF2A++;
  }
  const N = W * H;
  // The map's own area per transition (the buffer stratum holds stable pixels, so it is not a map category).
  const mapPixels = new Array<number>(N_CLASSES * N_CLASSES).fill(0);
  for (let i = 0; i < N; i++) if (m19[i] < N_CLASSES && m22[i] < N_CLASSES) mapPixels[m19[i] * N_CLASSES + m22[i]]++;
  const weights = strataPixels.map((c) => c / N);
  const isChange = (h: number) => h >= N_CLASSES * N_CLASSES || Math.floor(h / N_CLASSES) !== h % N_CLASSES;
  const n = olofssonSampleSize(weights, weights.map((_, h) => (isChange(h) ? 0.7 : 0.9)), 0.03);
  const allocation = allocateSample(strataPixels, n, 50);
  const total = allocation.reduce((s, v) => s + v, 0);
  assert.ok(total <= 600, `${total} points`);
  assert.ok(Math.abs(mapF2A - trueF2A) / trueF2A > 0.05, 'the map must be biased for the test to mean something');
  let covered = 0;
  const halfWidths: number[] = [];
  const f2a = FOREST * N_CLASSES + ASGM;
  for (let seed = 1; seed <= 100; seed++) {
    const r = mulberry32(seed);
    const picker = new StratumPicker(allocation.map((k, h) => chooseRanks(strataPixels[h], k, r)));
    const points: SamplePoint[] = [];
    picker.scan(strata, (i, h) => {
      const mapped = m19[i] < N_CLASSES && m22[i] < N_CLASSES ? m19[i] * N_CLASSES + m22[i] : null;
      points.push({ stratum: h, map: mapped, reference: t19[i] * N_CLASSES + t22[i] });
    });
    assert.ok(picker.complete());
    const report = estimateAreas({
      strataPixels, categories: Array.from({ length: N_CLASSES * N_CLASSES }, (_, k) => String(k)),
      mapPixels: mapPixels, points, pixelArea: 1,
    });
    const a = report.categories[f2a].area;
    if (Math.abs(a.estimate - trueF2A) <= a.ci) covered++;
    halfWidths.push(a.ci / a.estimate);
  }
  halfWidths.sort((x, y) => x - y);
  console.log(`forest->asgm: truth ${trueF2A} px, map ${mapF2A} px, ${total} points; CI covers truth in ${covered}/100; median half-width ${(halfWidths[50] * 100).toFixed(1)} %`);
  assert.ok(covered >= 90 && covered <= 98, `covered ${covered}/100`);
  assert.ok(halfWidths[50] <= 0.3, `median half-width ${halfWidths[50]}`);
});
