/** Overall progress of a run: nodes finished plus the running nodes' fractions, with an ETA. */
import { useApp } from '../hooks.ts';
import { formatEta, type RunState } from '../model/runState.ts';

/** Fraction done (0–1) and the longest ETA of the running nodes (s), or null when unknown. */
export function overallProgress(run: RunState): { fraction: number; eta: number | null } {
  const nodes = Object.values(run.nodes);
  if (!nodes.length) return { fraction: 0, eta: null };
  let done = 0;
  let eta: number | null = null;
  for (const n of nodes) {
    if (n.status === 'done' || n.status === 'cached' || n.status === 'failed' || n.status === 'skipped' || n.status === 'cancelled') done += 1;
    else if (n.status === 'running' && n.progress && n.progress.total > 0) {
      done += n.progress.done / n.progress.total;
      if (n.progress.eta !== null && Number.isFinite(n.progress.eta)) eta = Math.max(eta ?? 0, n.progress.eta);
    }
  }
  return { fraction: done / nodes.length, eta };
}

/**
 * ETA of the whole run: the time so far scaled by what is left (once 5 % is done), and never less than the
 * longest ETA a running node reports.
 */
export function overallEta(fraction: number, elapsedS: number, nodeEta: number | null): number | null {
  const extrapolated = fraction >= 0.05 && fraction < 1 ? (elapsedS * (1 - fraction)) / fraction : null;
  if (extrapolated === null) return nodeEta;
  return Math.max(extrapolated, nodeEta ?? 0);
}

const startedAt = new Map<string, number>();

export function RunProgress() {
  const run = useApp((s) => s.run);
  if (!run || run.status !== 'running') return null;
  if (!startedAt.has(run.runId)) startedAt.set(run.runId, Date.now());
  const progress = overallProgress(run);
  const { fraction } = progress;
  const eta = overallEta(fraction, (Date.now() - startedAt.get(run.runId)!) / 1000, progress.eta);
  const pct = Math.floor(100 * fraction);
  return (
    <span className="sf-run-progress" data-testid="run-progress" title="Whole run" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
      <span className="sf-run-progress-bar">
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="sf-run-progress-text">
        {pct} %{eta !== null ? ` · ETA ${formatEta(eta)}` : ''}
      </span>
    </span>
  );
}
