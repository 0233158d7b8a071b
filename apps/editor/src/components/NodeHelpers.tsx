/**
 * Inspector helpers: the run error of the node in words with what to do, what the chosen folder holds
 * (prefix, years, bands to pick from), "duplicate this branch for another year", and the offer to point a
 * colleague's loaders at a folder of this data root.
 */
import { useEffect, useState } from 'react';
import { useApp, useGraph, useGraphStore } from '../hooks.ts';
import { applyRelocation, duplicateBranch, scanFolder, type FolderScan } from '../docActions.ts';
import { setParams } from '../graph/commands.ts';
import { FilePicker } from './FilePicker.tsx';

export function RunErrorBox({ id }: { id: string }) {
  const run = useApp((s) => s.run?.nodes[id]);
  if (run?.status !== 'failed' || !run.error?.message) return null;
  return (
    <div className="sf-run-error" data-testid="inspector-run-error" role="alert">
      <b>The run stopped here.</b>
      <p>{run.error.message}</p>
      <p className="muted">Fix what it names (a parameter, a file or the data) and run again; nodes before this one are reused from the cache.</p>
    </div>
  );
}

export function FolderHints({ id, params }: { id: string; params: Record<string, unknown> }) {
  const dir = typeof params.dir === 'string' ? params.dir : '';
  const [scan, setScan] = useState<FolderScan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const store = useGraphStore();
  // Years already loaded elsewhere in the graph (re-read on each change of the document).
  const nodes = useGraph((s) => s.doc.nodes);
  useEffect(() => {
    setScan(null);
    setError(null);
    if (!dir) return;
    scanFolder(dir).then(setScan, (e: Error) => setError(e.message));
  }, [dir]);
  if (!dir) return <div className="sf-hints muted">Choose the folder of the GEE export: prefix and years are then filled in from its file names.</div>;
  if (error) return <div className="sf-hints sf-field-error">{error}</div>;
  if (!scan) return null;
  if (!scan.prefixes.length) return <div className="sf-hints sf-field-error" data-testid="folder-hints">No files named &lt;PREFIX&gt;_&lt;YEAR&gt;_&lt;BAND&gt;.tif in {dir}/.</div>;
  const prefix = scan.prefixes.find((p) => p.prefix === params.prefix);
  const used = new Set(nodes.filter((n) => n.type === 's2.load').map((n) => n.params.year));
  const set = (patch: Record<string, unknown>) => store.apply(setParams(id, { ...params, ...patch }));
  return (
    <div className="sf-hints" data-testid="folder-hints">
      <div>
        In {dir}/:{' '}
        {scan.prefixes.map((p) => (
          <button key={p.prefix} className={`sf-chip ${p.prefix === params.prefix ? 'active' : ''}`} data-testid={`hint-prefix-${p.prefix}`} onClick={() => set({ prefix: p.prefix })}>
            {p.prefix}
          </button>
        ))}
      </div>
      {prefix && (
        <>
          <div>
            Years:{' '}
            {prefix.years.map((y) => (
              <button key={y.year} className={`sf-chip ${y.year === params.year ? 'active' : ''}`} data-testid={`hint-year-${y.year}`} onClick={() => set({ year: y.year })}>
                {y.year}
              </button>
            ))}
          </div>
          {(() => {
            const y = prefix.years.find((x) => x.year === params.year);
            if (!y) return null;
            return (
              <div>
                Bands: {y.bands.join(' ')} · cloud: {y.cloudLayers.join(', ') || 'none'}{' '}
                <button className="sf-chip" data-testid="hint-bands" onClick={() => set({ bands: y.bands })} title="Load every band found">
                  use all
                </button>
              </div>
            );
          })()}
          {prefix.years.filter((y) => !used.has(y.year)).length > 0 && typeof params.year === 'number' && (
            <div className="sf-hint-actions">
              {prefix.years
                .filter((y) => !used.has(y.year))
                .map((y) => (
                  <button key={y.year} className="primary" data-testid={`duplicate-year-${y.year}`} onClick={() => void duplicateBranch(id, y.year)} title="Copy this loader and every node after it for that year; a change node gets the copy as its other input">
                    ⧉ Same analysis for {y.year}
                  </button>
                ))}
            </div>
          )}
        </>
      )}
    </div>
  );
}

export function RelocateBanner() {
  const missing = useApp((s) => s.missingFolders);
  const [picking, setPicking] = useState(false);
  if (!missing.length) return null;
  return (
    <div className="sf-banner" data-testid="relocate-banner" role="status">
      This graph reads {missing.length === 1 ? 'a folder' : 'folders'} not found in your data root: <span className="sf-mono">{missing.join(', ')}</span>.
      <button className="primary" data-testid="relocate-button" onClick={() => setPicking(true)}>
        Point all loaders at a folder…
      </button>
      {picking && (
        <FilePicker
          initial=""
          onClose={() => setPicking(false)}
          onPick={(folder) => {
            setPicking(false);
            applyRelocation(folder);
          }}
        />
      )}
    </div>
  );
}
