import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateSample, changeStratum, chooseRanks, mapStratum, olofssonSampleSize, StratumPicker } from './stratifiedSample.ts';
import { mulberry32 } from './sampleSplit.ts';

test('sample size: Olofsson et al. 2014 section 5 (eq. 13) gives 641 points', () => {
  // Expected user's accuracies 0.7, 0.6, 0.9, 0.95; S(Ô) = 0.01; strata of 200,000 / 150,000 / 3.2 M / 6.45 M pixels.
  const N = [200000, 150000, 3200000, 6450000];
  const total = N.reduce((s, v) => s + v, 0);
  assert.equal(olofssonSampleSize(N.map((v) => v / total), [0.7, 0.6, 0.9, 0.95], 0.01), 641);
});

test('allocation: proportional, at least the minimum, never more than the stratum has', () => {
  assert.deepEqual(allocateSample([200000, 150000, 3200000, 6450000], 641, 75), [75, 75, 205, 413]);
  assert.deepEqual(allocateSample([10, 0, 990], 100, 50), [10, 0, 99]);
});

test('strata codes: classes, uncertain (254), no data', () => {
  assert.deepEqual([0, 2, 254, 255, 3].map((c) => mapStratum(c, 3)), [0, 2, 3, -1, -1]);
  assert.equal(changeStratum(1, 2, 3), 5);
  assert.equal(changeStratum(254, 2, 3), 9);
  assert.equal(changeStratum(1, 255, 3), -1);
});

test('chooseRanks: distinct, sorted, seeded, uniform over the stratum', () => {
  const a = chooseRanks(1000, 100, mulberry32(1));
  assert.equal(new Set(a).size, 100);
  assert.deepEqual(a, [...a].sort((x, y) => x - y));
  assert.deepEqual(chooseRanks(1000, 100, mulberry32(1)), a);
  assert.notDeepEqual(chooseRanks(1000, 100, mulberry32(2)), a);
  assert.deepEqual(chooseRanks(5, 5, mulberry32(3)), [0, 1, 2, 3, 4]);
  // Every rank equally likely: 20,000 draws of 10 of 100, each rank drawn ~2,000 times (binomial sd ~42).
  const hits = new Array(100).fill(0);
  const r = mulberry32(9);
  for (let k = 0; k < 20000; k++) for (const v of chooseRanks(100, 10, r)) hits[v]++;
  assert.ok(Math.max(...hits) < 2200 && Math.min(...hits) > 1800, `${Math.min(...hits)}..${Math.max(...hits)}`);
});

test('StratumPicker finds the chosen ranks of each stratum across windows', () => {
  const strata = Int32Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? -1 : i % 3));
  const counts = [0, 0, 0];
  for (const s of strata) if (s >= 0) counts[s]++;
  const ranks = counts.map((c, h) => chooseRanks(c, 10 + h, mulberry32(h)));
  const picker = new StratumPicker(ranks);
  const picked: number[] = [];
  for (let off = 0; off < 500; off += 64) picker.scan(strata.subarray(off, off + 64), (i) => picked.push(off + i));
  assert.ok(picker.complete());
  const expected: number[] = [];
  const seen = [0, 0, 0];
  strata.forEach((s, i) => { if (s >= 0 && ranks[s].includes(seen[s]++)) expected.push(i); });
  assert.deepEqual(picked, expected);
});
