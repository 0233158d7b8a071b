/** The editor's run state: the one event fold of @sentiflow/protocol, plus how the editor shows times. */
import type { NodeRunState } from '@sentiflow/protocol';

export { applyEvent, initialRunState, type NodeRunState, type RunState } from '@sentiflow/protocol';

export function hasResult(n: NodeRunState | undefined): boolean {
  return n?.status === 'done' || n?.status === 'cached';
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  if (seconds < 1) return '<1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
