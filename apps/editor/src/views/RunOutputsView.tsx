/** Where a run's outputs are on disk, with a download link for each file and CSVs of its tables. */
import { useEffect, useRef, useState } from 'react';
import { downloadUrl, experiments, tableUrl, type HistoryItem, type RunOutputs } from '../api/experiments.ts';

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} kB` : `${(n / (1 << 20)).toFixed(1)} MB`);

export function RunOutputsView({ item, onClose }: { item: HistoryItem; onClose(): void }) {
  const [out, setOut] = useState<RunOutputs | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    experiments.outputs(item.runId).then(setOut, (e: Error) => setError(e.message));
    box.current?.scrollIntoView({ block: 'nearest' });
  }, [item.runId]);
  const tables: [string, string, string][] = [
    ...(item.headline.changeNodeId ? ([['areas', 'class areas'], ['transitions', 'transitions (km²)'], ['transitionPixels', 'transitions (pixels)']] as const).map(([t, l]) => [item.headline.changeNodeId!, t, l] as [string, string, string]) : []),
    ...item.headline.accuracy.flatMap((a) => [[a.nodeId, 'confusion', `${a.nodeId} confusion matrix`], [a.nodeId, 'perClass', `${a.nodeId} per-class accuracy`]] as [string, string, string][]),
  ];
  return (
    <div className="sf-card sf-outputs" data-testid="run-outputs" ref={box}>
      <h4>
        Outputs of {item.name || item.runId} <button className="sf-small" onClick={onClose}>✕</button>
      </h4>
      <div>
        On disk: <code className="sf-mono" data-testid="run-outdir">{out?.outDir ?? item.outDir}</code>{' '}
        <button className="sf-small" onClick={() => void navigator.clipboard?.writeText(out?.outDir ?? item.outDir)}>
          Copy path
        </button>
      </div>
      {error && <div className="sf-error">{error}</div>}
      {tables.length > 0 && (
        <div className="sf-downloads">
          Tables (CSV):{' '}
          {tables.map(([node, t, label]) => (
            <a key={`${node}:${t}`} className="sf-button sf-small" data-testid={`csv-${node}-${t}`} href={tableUrl(item.runId, node, t)} download>
              {label}
            </a>
          ))}
        </div>
      )}
      <ul className="sf-file-list">
        {out?.files.map((f) => (
          <li key={f.path}>
            <a data-testid={`download-${f.path}`} href={downloadUrl(item.runId, f.path)} download>
              {f.path}
            </a>{' '}
            <span className="muted">{size(f.size)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
