import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { countTransitions, marginals, percentChange, toMatrix } from './transitionMatrix.ts';
import { needs, python } from '../../../../test/needs.ts';

test('countTransitions: hand example with no data', () => {
  const before = Uint8Array.from([0, 1, 1, 2, 255, 1, 2, 7]);
  const after = Uint8Array.from([0, 2, 2, 2, 1, 255, 0, 1]);
  const counts = new Float64Array(9);
  const codes = new Uint8Array(8);
  assert.equal(countTransitions(before, after, 3, counts, codes), 5);
  assert.deepEqual(Array.from(codes), [0, 5, 5, 8, 255, 255, 6, 255]);
  const m = toMatrix(counts, 3);
  assert.deepEqual(m, [[1, 0, 0], [0, 0, 2], [1, 0, 1]]);
  assert.deepEqual(marginals(m), { before: [1, 2, 2], after: [2, 0, 3] });
  assert.equal(percentChange(2, 3), 50);
  assert.equal(percentChange(0, 3), null);
  assert.deepEqual(toMatrix(counts, 3, 0.01)[1], [0, 0, 0.02]);
});

test('countTransitions accumulates over windows and matches numpy', { skip: needs(python('numpy')) }, () => {
  const n = 5000;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const before = Uint8Array.from({ length: n }, () => (rnd() < 0.05 ? 255 : Math.floor(rnd() * 3)));
  const after = Uint8Array.from({ length: n }, () => (rnd() < 0.05 ? 255 : Math.floor(rnd() * 3)));
  const counts = new Float64Array(9);
  countTransitions(before.subarray(0, 1234), after.subarray(0, 1234), 3, counts);
  countTransitions(before.subarray(1234), after.subarray(1234), 3, counts);
  const script = `
import sys, json, numpy as np
d = json.load(sys.stdin); a = np.array(d['a']); b = np.array(d['b'])
ok = (a < 3) & (b < 3)
m = np.zeros((3, 3), int)
np.add.at(m, (a[ok], b[ok]), 1)
print(json.dumps(m.tolist()))`;
  const exp = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ a: Array.from(before), b: Array.from(after) }), encoding: 'utf8' }));
  assert.deepEqual(toMatrix(counts, 3), exp);
});
