/** A decision tree drawn as a tree (SVG): split feature ≤ threshold at inner nodes, majority class at leaves. */
import type { DecisionTreeNode } from '../../../../packages/nodes/src/values.ts';
import { layoutTree } from '../model/results.ts';
import { ClassLegend, classColor } from './ClassLegend.tsx';


export function TreeView({ nodes, features, classes, title }: { nodes: DecisionTreeNode[]; features: string[]; classes: string[]; title: string }) {
  const layout = layoutTree(nodes);
  if (!layout.length) return <div className="sf-empty">Empty tree.</div>;
  const W = 150;
  const H = 92;
  const maxX = Math.max(...layout.map((l) => l.x));
  const maxDepth = Math.max(...layout.map((l) => l.depth));
  const width = (maxX + 1) * W + 20;
  const height = (maxDepth + 1) * H + 20;
  const pos = new Map(layout.map((l) => [l.index, { x: 10 + l.x * W + W / 2, y: 10 + l.depth * H }]));
  return (
    <div className="sf-card" data-testid="tree-view">
      <h4>{title}</h4>
      <div className="sf-tree-scroll">
        <svg width={width} height={height} className="sf-tree">
          {layout
            .filter((l) => l.parent !== null)
            .map((l) => {
              const a = pos.get(l.parent!)!;
              const b = pos.get(l.index)!;
              return (
                <g key={`e${l.index}`}>
                  <path d={`M${a.x},${a.y + 44} C${a.x},${a.y + 70} ${b.x},${b.y - 26} ${b.x},${b.y}`} className="sf-tree-edge" />
                  <text x={(a.x + b.x) / 2} y={(a.y + 44 + b.y) / 2} className="sf-tree-edge-label">
                    {l.side === 'left' ? 'yes' : 'no'}
                  </text>
                </g>
              );
            })}
          {layout.map((l) => {
            const n = nodes[l.index];
            const p = pos.get(l.index)!;
            const leaf = n.feature < 0 || n.left < 0;
            const total = n.value.reduce((s, v) => s + v, 0) || 1;
            const major = n.value.indexOf(Math.max(...n.value));
            return (
              <g key={l.index} transform={`translate(${p.x - W / 2 + 6},${p.y})`} data-testid={leaf ? 'tree-leaf' : 'tree-split'}>
                <rect width={W - 12} height={44} rx={6} className={leaf ? 'sf-tree-leaf' : 'sf-tree-split'} style={leaf ? { stroke: classColor(major) } : undefined} />
                <text x={(W - 12) / 2} y={16} className="sf-tree-title">
                  {leaf ? classes[major] ?? `class ${major}` : `${features[n.feature] ?? `f${n.feature}`} ≤ ${Number(n.threshold).toPrecision(4)}`}
                </text>
                <text x={(W - 12) / 2} y={30} className="sf-tree-sub">
                  n={n.samples} · gini {Number(n.impurity).toFixed(3)}
                </text>
                {n.value.map((v, k) => {
                  const x0 = (n.value.slice(0, k).reduce((s, x) => s + x, 0) / total) * (W - 24);
                  return <rect key={k} x={6 + x0} y={35} width={(v / total) * (W - 24)} height={5} fill={classColor(k)} />;
                })}
              </g>
            );
          })}
        </svg>
      </div>
      <ClassLegend classes={classes} />
    </div>
  );
}
