/** Right panel: the selected node's label, description, parameters (from its JSON Schema) and problems. */
import { useMemo } from 'react';
import { useApp, useGraph, useGraphStore } from '../hooks.ts';
import { fieldsOf, isShown } from '../model/schema.ts';
import { startRun } from '../controller.ts';
import { setLabel, setParams, toGraph } from '../graph/commands.ts';
import { fieldContextFor } from '../model/expressions.ts';
import { appStore } from '../model/appState.ts';
import { ParamField } from './ParamField.tsx';
import { ClassListField } from './ClassListField.tsx';
import type { ClassListParams } from '../model/classList.ts';
import { FolderHints, RunErrorBox } from './NodeHelpers.tsx';
import { fillFromFolder } from '../docActions.ts';

export function Inspector() {
  const store = useGraphStore();
  const id = useGraph((s) => s.selection.at(-1) ?? null);
  // Documents are immutable: a new doc (or node) object is a change, undo/redo included.
  const doc = useGraph((s) => s.doc);
  const node = id ? doc.nodes.find((n) => n.id === id) : undefined;
  const problems = useApp((s) => s.problems);
  const catalog = useApp((s) => s.catalog);
  const graph = useMemo(() => toGraph(doc, store.entries), [doc, store]);
  if (!id || !node) {
    return (
      <aside className="sf-inspector" data-testid="inspector">
        <div className="sf-empty">
          <p>Select a node to edit its parameters.</p>
          <p className="muted">Add nodes from the palette (click or drag), or right-click the canvas. Drag from an output socket to an input of the same colour to link.</p>
        </div>
      </aside>
    );
  }
  const entry = store.entries.get(node.type);
  const params = node.params;
  const fields = entry ? fieldsOf(entry.params, entry.pathParams) : [];
  const nodeProblems = problems.filter((p) => p.nodeId === id);
  // Re-derived on every render: the Inspector re-renders on each change of the document (links and params).
  const context = fieldContextFor(graph, id, catalog);
  return (
    <aside className="sf-inspector" data-testid="inspector" data-node-id={id}>
      <div className="sf-inspector-head">
        <input className="sf-node-label-input" data-testid="node-label" value={node.label ?? entry?.label ?? node.type} onChange={(e) => store.apply(setLabel(id, e.target.value), { merge: `label:${id}` })} />
        <div className="muted">
          {id} · {node.type} v{node.version}
        </div>
        {entry && <p className="sf-desc">{entry.description}</p>}
        <div className="sf-inspector-actions">
          <button data-testid="run-up-to" onClick={() => void startRun(id)} title="Run this node and everything it depends on">
            ▶ Run up to here
          </button>
          <button data-testid="show-results" onClick={() => appStore.set({ resultsOpen: true, resultsNodeId: id })}>
            Results
          </button>
        </div>
      </div>
      {nodeProblems.length > 0 && (
        <ul className="sf-problems" data-testid="inspector-problems">
          {nodeProblems.map((p, i) => (
            <li key={i} title={p.code}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      <RunErrorBox id={id} />
      {node.type === 's2.load' && <FolderHints id={id} params={params} />}
      <div className="sf-fields">
        {fields.some((f) => f.widget === 'classList') && (
          <ClassListField nodeId={id} params={params as ClassListParams} onParams={(p) => store.apply(setParams(id, { ...params, classes: p.classes, names: p.names }))} />
        )}
        {fields.filter((f) => f.widget !== 'classList' && isShown(f, params, fields)).map((f) => (
          <ParamField
            key={`${id}:${f.name}`}
            field={f}
            value={params[f.name]}
            context={context}
            problem={nodeProblems.find((p) => p.param === f.name || p.param?.startsWith(`${f.name}.`))?.message}
            onChange={(v) => {
              const next = { ...params };
              if (v === undefined) delete next[f.name];
              else next[f.name] = v;
              store.apply(setParams(id, next));
              if (node.type === 's2.load' && f.name === 'dir' && typeof v === 'string') void fillFromFolder(id, v);
            }}
          />
        ))}
        {!entry && <div className="sf-empty">Unknown node type: parameters cannot be edited.</div>}
      </div>
    </aside>
  );
}
