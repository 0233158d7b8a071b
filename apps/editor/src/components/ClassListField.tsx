/**
 * vector.load's classes: the classes found in the polygon files (by the last run) in code order, reorderable
 * and renameable. No area depends on the order (ties are "uncertain"); the order only fixes the codes.
 */
import { useApp } from '../hooks.ts';
import { classRows, moveClass, renameClass, type ClassListParams } from '../model/classList.ts';
import { classColor } from '@sentiflow/protocol';

interface Props {
  nodeId: string;
  params: ClassListParams;
  onParams(next: ClassListParams): void;
}

export function ClassListField({ nodeId, params, onParams }: Props) {
  const found = useApp((s) => s.run?.nodes[nodeId]?.summary?.foundClasses) as string[] | undefined;
  const rows = classRows(params, found ?? []);
  return (
    <div className="sf-field" data-testid="param-classes">
      <label>Classes (code = position)</label>
      {rows.length === 0 && <div className="muted">Run the node to list the classes found in the polygon files (default: sorted by name, numbers numerically).</div>}
      <ol className="sf-class-list" start={0}>
        {rows.map((r) => (
          <li key={`${r.label}:${r.code}`} data-testid={`class-row-${r.code}`}>
            <i style={{ background: classColor(r.name, r.code) }} /> <code>{r.code}</code>
            <input value={r.name} aria-label={`name of class ${r.code}`} onChange={(e) => onParams(renameClass(params, found ?? [], r.code, e.target.value))} />
            {r.label !== r.name && <span className="muted"> (label {r.label})</span>}
            <button disabled={r.code === 0} onClick={() => onParams(moveClass(params, found ?? [], r.code, r.code - 1))} aria-label="move up">↑</button>
            <button disabled={r.code === rows.length - 1} onClick={() => onParams(moveClass(params, found ?? [], r.code, r.code + 1))} aria-label="move down">↓</button>
          </li>
        ))}
      </ol>
      {found && params.classes && found.some((c) => !params.classes!.includes(c)) && (
        <div className="sf-problem">Classes in the files but not listed: {found.filter((c) => !params.classes!.includes(c)).join(', ')}</div>
      )}
    </div>
  );
}
