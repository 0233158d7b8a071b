import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classRows, moveClass, renameClass } from './classList.ts';

test('class list: found classes in code order, reorder and rename (names keep the file labels)', () => {
  const found = ['1', '2', '10'];
  assert.deepEqual(classRows({}, found).map((r) => [r.code, r.name]), [[0, '1'], [1, '2'], [2, '10']]);
  const named = renameClass({}, found, 0, 'water');
  assert.deepEqual(named, { classes: ['water', '2', '10'], names: [{ label: '1', name: 'water' }] });
  const moved = moveClass(named, found, 0, 2);
  assert.deepEqual(moved.classes, ['2', '10', 'water']);
  assert.deepEqual(classRows(moved, found)[2], { code: 2, name: 'water', label: '1' });
  assert.equal(renameClass(moved, found, 0, 'water'), moved, 'duplicate names are refused');
  assert.equal(renameClass(moved, found, 0, ' '), moved, 'empty names are refused');
  assert.deepEqual(renameClass(moved, found, 2, '1').names, undefined, 'renaming back drops the entry');
});
