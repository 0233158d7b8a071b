import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codesByName, mulberry32, splitSamples, undersample } from './sampleSplit.ts';

function data(n: number) {
  const rand = mulberry32(1);
  const y = new Int32Array(n), poly = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    poly[i] = Math.floor(i / 37); // polygons of ~37 rows
    y[i] = poly[i] % 3 === 2 && rand() < 2 ? 2 : poly[i] % 3; // class constant per polygon
  }
  return { y, poly };
}

test('mulberry32 is deterministic and uniform-ish', () => {
  const a = mulberry32(42), b = mulberry32(42);
  let s = 0;
  for (let i = 0; i < 10000; i++) {
    const v = a();
    assert.equal(v, b());
    assert.ok(v >= 0 && v < 1);
    s += v;
  }
  assert.ok(Math.abs(s / 10000 - 0.5) < 0.02);
});

for (const strategy of ['random', 'stratified', 'polygon'] as const) {
  test(`split ${strategy}: deterministic, disjoint, complete`, () => {
    const { y, poly } = data(3000);
    const a = splitSamples(y, poly, { trainFraction: 0.7, seed: 42, strategy });
    const b = splitSamples(y, poly, { trainFraction: 0.7, seed: 42, strategy });
    const c = splitSamples(y, poly, { trainFraction: 0.7, seed: 43, strategy });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.train, c.train);
    const all = new Set([...a.train, ...a.validation]);
    assert.equal(all.size, 3000);
    assert.equal(a.train.length + a.validation.length, 3000);
    const frac = a.train.length / 3000;
    assert.ok(Math.abs(frac - 0.7) < 0.05, `train fraction ${frac}`);
    if (strategy === 'stratified') {
      for (const cls of [0, 1, 2]) {
        const n = y.filter((v) => v === cls).length;
        const t = Array.from(a.train).filter((r) => y[r] === cls).length;
        assert.ok(Math.abs(t - Math.round(n * 0.7)) <= 0, `class ${cls}`);
      }
    }
    if (strategy === 'polygon') {
      const trainPolys = new Set(Array.from(a.train, (r) => poly[r]));
      for (const r of a.validation) assert.ok(!trainPolys.has(poly[r]), `polygon ${poly[r]} on both sides`);
      for (const cls of [0, 1, 2]) assert.ok(Array.from(a.validation).some((r) => y[r] === cls), `class ${cls} has validation rows`);
    }
  });
}

test('undersample keeps the minority count per class, deterministically', () => {
  const y = new Int32Array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
  const rows = Int32Array.from({ length: 12 }, (_, i) => i);
  const u = undersample(rows, y, 5);
  assert.deepEqual(u, undersample(rows, y, 5));
  assert.equal(u.length, 9);
  for (const c of [0, 1, 2]) assert.equal(Array.from(u).filter((r) => y[r] === c).length, 3);
});

test('split and undersample do not depend on class order when drawing in name order', () => {
  const names = ['water', 'forest', 'asgm'];
  const rand = mulberry32(11);
  const label = Array.from({ length: 900 }, () => names[Math.floor(rand() * 3) % 3]);
  const polygon = label.map((_, i) => Math.floor(i / 30));
  const rowsOf = (order: string[], strategy: 'random' | 'stratified' | 'polygon') => {
    const y = label.map((c) => order.indexOf(c));
    const classOrder = codesByName(order);
    const split = splitSamples(y, polygon, { trainFraction: 0.7, seed: 3, strategy, classOrder });
    return { split, balanced: undersample(split.train, y, 3, classOrder) };
  };
  for (const strategy of ['random', 'stratified', 'polygon'] as const) {
    const ref = rowsOf(names, strategy);
    for (const order of [['asgm', 'forest', 'water'], ['forest', 'asgm', 'water']]) {
      const r = rowsOf(order, strategy);
      assert.deepEqual(r.split, ref.split, strategy);
      assert.deepEqual(r.balanced, ref.balanced, strategy);
    }
  }
  // Without the name order the draws follow the codes, and the kept rows change with the order.
  const y2 = label.map((c) => ['asgm', 'forest', 'water'].indexOf(c));
  const y1 = label.map((c) => names.indexOf(c));
  const all = Int32Array.from(label.keys());
  assert.notDeepEqual(undersample(all, y2, 3), undersample(all, y1, 3));
});
