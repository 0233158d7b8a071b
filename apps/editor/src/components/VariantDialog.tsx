/**
 * "Variant…": choose the index and aggregate nodes of a branch (both years by default), pick another index or
 * reducer set, and one click copies the branch and everything downstream, wires the copies to the same inputs
 * and runs the graph, so the original and the variant come out of one run and can be compared in Experiments.
 */
import { useMemo, useState } from 'react';
import type { GraphNode, JsonSchema } from '../api/types.ts';
import { currentGraph, openGraph, startRun } from '../controller.ts';
import { makeVariant } from '../experiments/variants.ts';
import { useApp } from '../hooks.ts';
import { toast } from '../model/appState.ts';
import '../views/experiments.css';

/** Node types the helper varies, and the list param it changes on each. */
const VARIED: Record<string, string> = { 's2.index': 'indices', 's2.aggregate': 'reducers' };

function optionsOf(schema: JsonSchema | undefined, param: string): string[] {
  const items = schema?.properties?.[param]?.items;
  return (items?.enum ?? items?.anyOf?.flatMap((a) => a.enum ?? [])) as string[] ?? [];
}

function Chips({ testId, options, value, onChange }: { testId: string; options: string[]; value: string[]; onChange(v: string[]): void }) {
  return (
    <div className="sf-chips" data-testid={testId}>
      {options.map((o) => {
        const on = value.includes(o);
        return (
          <button key={o} className={`sf-chip ${on ? 'on' : ''}`} aria-pressed={on} data-testid={`${testId}-${o}`} onClick={() => onChange(on ? value.filter((x) => x !== o) : options.filter((x) => value.includes(x) || x === o))}>
            {o}
          </button>
        );
      })}
    </div>
  );
}

export function VariantDialog({ onClose }: { onClose(): void }) {
  const catalog = useApp((s) => s.catalog);
  const graph = useMemo(() => currentGraph(), []);
  const candidates: GraphNode[] = (graph?.nodes ?? []).filter((n) => VARIED[n.type] && !/_v\d+$/.test(n.id));
  const [chosen, setChosen] = useState<string[]>(candidates.filter((n) => n.type === 's2.aggregate').map((n) => n.id));
  const sets = Object.fromEntries(
    Object.entries(VARIED).map(([type, param]) => {
      const first = candidates.find((n) => n.type === type);
      return [type, (first?.params?.[param] as string[] | undefined) ?? []];
    }),
  );
  const [values, setValues] = useState<Record<string, string[]>>(sets);
  const typesChosen = [...new Set(candidates.filter((n) => chosen.includes(n.id)).map((n) => n.type))];

  const create = async () => {
    if (!graph) return;
    try {
      const changes = Object.fromEntries(chosen.map((id) => {
        const type = graph.nodes.find((n) => n.id === id)!.type;
        return [id, { [VARIED[type]]: values[type] }];
      }));
      const { graph: next, copies } = makeVariant(graph, { changes });
      await openGraph(next);
      onClose();
      toast(`Added ${Object.keys(copies).length} variant nodes; running original and variant together.`, 'success', 4000);
      await startRun();
    } catch (e) {
      toast(`Cannot make the variant: ${(e as Error).message}`, 'error');
    }
  };

  return (
    <div className="sf-modal-backdrop" onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="sf-modal sf-variant" role="dialog" aria-label="Make a variant" data-testid="variant-dialog" onClick={(e) => e.stopPropagation()}>
        <div className="sf-modal-head">
          <b>Variant: same inputs, other indices or reducers</b>
        </div>
        <div className="sf-modal-body">
          {!candidates.length && <p className="muted">This graph has no Spectral Index or Temporal Aggregate node to vary.</p>}
          <p className="muted">Nodes to copy (everything downstream of them is copied too):</p>
          {candidates.map((n) => (
            <label key={n.id} className="sf-variant-node">
              <input type="checkbox" data-testid={`variant-node-${n.id}`} checked={chosen.includes(n.id)} onChange={() => setChosen((c) => (c.includes(n.id) ? c.filter((x) => x !== n.id) : [...c, n.id]))} />
              {n.label || n.id} <span className="muted">({n.type})</span>
            </label>
          ))}
          {typesChosen.map((type) => {
            const param = VARIED[type];
            const schema = catalog.find((c) => c.type === type)?.params;
            return (
              <div key={type} className="sf-variant-set">
                <p>
                  {param} of the copies <span className="muted">(now: {sets[type].join(', ') || 'none'})</span>
                </p>
                <Chips testId={`variant-${param}`} options={optionsOf(schema, param)} value={values[type]} onChange={(v) => setValues((s) => ({ ...s, [type]: v }))} />
              </div>
            );
          })}
        </div>
        <div className="sf-modal-foot">
          <button onClick={onClose}>Cancel</button>
          <button className="primary" data-testid="variant-create" disabled={!chosen.length || typesChosen.some((t) => !values[t].length)} onClick={() => void create()}>
            Copy and run both
          </button>
        </div>
      </div>
    </div>
  );
}

export function VariantButton() {
  const [open, setOpen] = useState(false);
  const running = useApp((s) => s.run?.status === 'running');
  return (
    <>
      <button data-testid="variant-button" disabled={running} onClick={() => setOpen(true)} title="Copy the index/aggregate branch with other indices or reducers and run both">
        Variant…
      </button>
      {open && <VariantDialog onClose={() => setOpen(false)} />}
    </>
  );
}
