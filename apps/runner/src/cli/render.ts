/** Renders run events: progress bars on a TTY, one line per event otherwise, and a final summary. */
import { applyEvent, initialRunState, type NodeRunState, type RunState } from '@sentiflow/protocol';
import type { NodeReport, RunEvent, RunReport } from '../engine/types.ts';

/**
 * Graph names, labels and error messages come from shared files: their control characters (ESC sequences,
 * C1 codes, BEL) are removed before they reach a terminal, where they could clear the screen or retitle it.
 */
/* eslint-disable no-control-regex -- matching control characters is the point here */
export function terminalSafe(text: string): string {
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g, '')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}
/* eslint-enable no-control-regex */

const ICON: Record<string, string> = { queued: '·', running: '▶', done: '✓', cached: '≡', failed: '✗', skipped: '-', cancelled: '■' };

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function formatEta(eta: number | null): string {
  if (eta === null) return '';
  if (eta < 60) return `ETA ${Math.ceil(eta)}s`;
  return `ETA ${Math.floor(eta / 60)}m${String(Math.ceil(eta % 60)).padStart(2, '0')}s`;
}

export function bar(done: number, total: number, width = 20): string {
  const f = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}]`;
}

/** What follows a node's status: its duration when done, the first line of its error when failed, else its warning. */
function note(n: NodeRunState): string {
  if (n.status === 'done' && n.duration !== undefined) return formatDuration(n.duration);
  if (n.status === 'failed' && n.error) return terminalSafe(n.error.message.split('\n')[0]);
  if (n.warning) return terminalSafe(n.warning.split('\n')[0]);
  return '';
}

export interface Renderer {
  onEvent(e: RunEvent): void;
  end(report?: RunReport): void;
}

export function createRenderer(stream: NodeJS.WriteStream, nodeOrder: string[]): Renderer {
  const tty = Boolean(stream.isTTY);
  // The shared event fold (@sentiflow/protocol); the run id is taken from the first event.
  let state: RunState | null = null;
  const width = Math.max(...nodeOrder.map((id) => id.length), 4);
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;
  const lastPrinted = new Map<string, number>();

  const draw = (): void => {
    timer = null;
    const out: string[] = [];
    for (const id of nodeOrder) {
      const l: NodeRunState = (state && Object.hasOwn(state.nodes, id) ? state.nodes[id] : undefined) ?? { status: 'queued' };
      let text = `${ICON[l.status] ?? ' '} ${id.padEnd(width)} ${l.status.padEnd(9)}`;
      if (l.progress && l.status === 'running') {
        const p = l.progress;
        text += ` ${bar(p.done, p.total)} ${p.done}/${p.total} ${p.unit} ${formatEta(p.eta)}`;
      }
      const n = note(l);
      if (n) text += ` ${n}`;
      out.push(text.slice(0, (stream.columns || 120) - 1));
    }
    if (drawn) stream.write(`\x1b[${drawn}A`);
    stream.write(out.map((t) => `\x1b[2K${t}\n`).join(''));
    drawn = out.length;
  };
  const schedule = (now = false): void => {
    if (now) {
      if (timer) clearTimeout(timer);
      draw();
    } else timer ??= setTimeout(draw, 100);
  };

  const plain = (e: RunEvent): string | null => {
    const t = e.time.slice(11, 19);
    switch (e.type) {
      case 'run.started':
        return `${t} run "${terminalSafe(e.graphName)}" started (${e.nodes.length} nodes)`;
      case 'node.started':
        return `${t} ${e.nodeId}: started`;
      case 'node.progress': {
        const now = Date.now();
        if (e.done < e.total && now - (lastPrinted.get(e.nodeId) ?? 0) < 2000) return null;
        lastPrinted.set(e.nodeId, now);
        return `${t} ${e.nodeId}: ${e.done}/${e.total} ${e.unit} ${formatEta(e.eta)}`.trimEnd();
      }
      case 'node.cached':
        return `${t} ${e.nodeId}: cached`;
      case 'node.finished':
        return `${t} ${e.nodeId}: done in ${formatDuration(e.duration)}`;
      case 'node.failed':
        return `${t} ${e.nodeId}: FAILED: ${terminalSafe(e.message)}`;
      case 'node.warning':
        return `${t} ${e.nodeId}: warning: ${terminalSafe(e.message)}`;
      case 'run.finished':
        return `${t} run ${e.status} in ${formatDuration(e.duration)}`;
      case 'run.cancelled':
        return `${t} run cancelled after ${formatDuration(e.duration)}`;
    }
  };

  return {
    onEvent(e) {
      if (!tty) {
        const line = plain(e);
        if (line) stream.write(line + '\n');
        return;
      }
      state = applyEvent(state ?? initialRunState(e.runId, nodeOrder), e);
      if (!('nodeId' in e)) return;
      schedule(e.type !== 'node.progress');
    },
    end(report) {
      if (!tty) return;
      if (report && state) {
        const nodes = { ...state.nodes };
        for (const [id, n] of Object.entries(report.nodes)) if (nodes[id]) nodes[id] = { ...nodes[id], status: n.status };
        state = { ...state, nodes };
      }
      schedule(true);
    },
  };
}

function summaryText(summary: Record<string, unknown> | undefined): string {
  if (!summary) return '';
  return Object.entries(summary)
    .filter(([, v]) => v === null || ['number', 'string', 'boolean'].includes(typeof v))
    .slice(0, 6)
    .map(([k, v]) => terminalSafe(`${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : String(v)}`))
    .join(', ');
}

export function formatSummary(report: RunReport, outDir: string): string {
  const out: string[] = [];
  const ids = Object.keys(report.nodes);
  const w = Math.max(...ids.map((id) => id.length), 4);
  out.push('', `Run "${terminalSafe(report.graphName)}": ${report.status} in ${formatDuration(report.duration)}`);
  for (const id of ids) {
    const n: NodeReport = report.nodes[id];
    out.push(`  ${ICON[n.status] ?? ' '} ${id.padEnd(w)} ${n.status.padEnd(9)} ${formatDuration(n.duration).padEnd(10)} ${summaryText(n.summary)}`.trimEnd());
    if (n.error) out.push(`      error: ${terminalSafe(n.error.message)}${n.error.details?.param ? ` (param ${terminalSafe(String(n.error.details.param))})` : ''}`);
    for (const f of n.files) out.push(`      ${f}`);
  }
  out.push(`Outputs in ${outDir} (report: run.json)`);
  return out.join('\n');
}
