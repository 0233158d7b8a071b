/**
 * The hand-built model the tie tests share: a decision tree on one feature x whose leaves hold known class
 * fractions, so exact two- and three-way ties, a near tie and clear answers are known in advance.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionTreeNode, Model } from '../values.ts';

export const CLASSES = ['water', 'forest', 'asgm'];
/** Leaf class counts for x in [k, k+1): water/forest tie, 3-way tie, clear forest, near tie forest/asgm (0.505 vs 0.495), clear asgm, clear water. */
export const LEAVES = [[4, 4, 0], [1, 1, 1], [0, 6, 4], [0, 5.05, 4.95], [1, 0, 9], [9, 1, 0]];

/** The tree with its classes listed in `order`, written to `dir`. */
export function treeModel(dir: string, order: string[]): Model {
  const nodes: DecisionTreeNode[] = [];
  const perm = order.map((c) => CLASSES.indexOf(c));
  const leaf = (v: number[]) => nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: perm.map((k) => v[k]), impurity: 0, samples: 1 }) - 1;
  // A chain: x <= 0.5 -> leaf 0, else x <= 1.5 -> leaf 1, ...
  const build = (k: number): number => {
    if (k === LEAVES.length - 1) return leaf(LEAVES[k]);
    const at = nodes.push({ feature: 0, threshold: k + 0.5, left: -1, right: -1, value: [1, 1, 1], impurity: 0, samples: 1 }) - 1;
    nodes[at].left = leaf(LEAVES[k]);
    nodes[at].right = build(k + 1);
    return at;
  };
  build(0);
  const file = join(dir, `tree-${order.join('-')}.json`);
  writeFileSync(file, JSON.stringify({ nodes, features: ['x'], classes: order }));
  return { kind: 'Model', algorithm: 'decisionTree', features: ['x'], classes: order, file };
}
