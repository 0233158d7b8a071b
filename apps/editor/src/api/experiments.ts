/** The runner's experiment routes: history, run notes, outputs on disk, downloads, tables, report, class-map compare. */
import type { HistoryItem, RunNotes } from '@sentiflow/protocol';
import { ApiError, describeFailure } from './client.ts';

export type { HistoryItem, RunNotes };

export interface RunOutputs {
  runId: string;
  outDir: string;
  files: { path: string; size: number }[];
}

export interface ClassCompare {
  labels: string[];
  legend: { label: string; color: string }[];
  pixels: number[][];
  km2: number[][];
  agreePercent: number | null;
  differKm2: number;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    const { code, message } = describeFailure(res.status, res.statusText, body);
    throw new ApiError(message, res.status, body, code, url);
  }
  return body as T;
}

const run = (id: string) => `api/runs/${encodeURIComponent(id)}`;
const pathUrl = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export const experiments = {
  history: (graph?: string) => json<HistoryItem[]>(`api/history${graph === undefined ? '' : `?graph=${encodeURIComponent(graph)}`}`),
  saveNotes: (runId: string, notes: RunNotes) =>
    json<RunNotes>(`${run(runId)}/notes`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notes) }),
  outputs: (runId: string) => json<RunOutputs>(`${run(runId)}/outputs`),
  compareClasses: (q: CompareQuery) => json<ClassCompare>(`api/compare/classes.json?${compareParams(q)}`),
};

export interface CompareQuery {
  a: string;
  nodeA: string;
  b: string;
  nodeB: string;
}

const compareParams = (q: CompareQuery) => new URLSearchParams({ a: q.a, nodeA: q.nodeA, b: q.b, nodeB: q.nodeB }).toString();

export const downloadUrl = (runId: string, file: string) => `${run(runId)}/download/${pathUrl(file)}`;
export const tableUrl = (runId: string, nodeId: string, table: string) => `${run(runId)}/nodes/${encodeURIComponent(nodeId)}/table.csv?table=${table}`;
export const reportUrl = (runId: string) => `${run(runId)}/report.html`;
export const compareMapUrl = (q: CompareQuery, maxSize = 1024) => `api/compare/classes.png?${compareParams(q)}&maxSize=${maxSize}`;
