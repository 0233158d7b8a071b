/** Thin fetch wrappers around the runner's HTTP API. Relative URLs: the editor is served by the runner. */
import type { CatalogEntry, ExampleInfo, FileEntry, Graph, Problem, RunInfo } from './types.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const msg = (data as { error?: string; message?: string } | undefined)?.error ?? (data as { message?: string } | undefined)?.message;
    throw new ApiError(`${method} ${url}: ${res.status} ${msg ?? res.statusText}`, res.status, data);
  }
  return data as T;
}

export const api = {
  catalog: () => request<CatalogEntry[]>('GET', 'api/catalog'),
  examples: () => request<ExampleInfo[]>('GET', 'api/examples'),
  example: (file: string) => request<Graph>('GET', `api/examples/${encodeURIComponent(file)}`),
  validate: (graph: Graph) => request<{ problems: Problem[] }>('POST', 'api/validate', { graph }),
  /** Starts a run; a 400 with problems is returned as `{ problems }` instead of throwing. */
  async startRun(graph: Graph, upTo?: string): Promise<{ runId?: string; problems?: Problem[] }> {
    try {
      return await request<{ runId: string }>('POST', 'api/runs', upTo ? { graph, upTo } : { graph });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && Array.isArray((e.body as { problems?: unknown })?.problems)) {
        return { problems: (e.body as { problems: Problem[] }).problems };
      }
      throw e;
    }
  },
  run: (runId: string) => request<RunInfo>('GET', `api/runs/${encodeURIComponent(runId)}`),
  cancel: (runId: string) => request<unknown>('POST', `api/runs/${encodeURIComponent(runId)}/cancel`),
  files: (path: string) => request<{ path: string; entries: FileEntry[] }>('GET', `api/files?path=${encodeURIComponent(path)}`),
  legend: (runId: string, nodeId: string, layer?: string) =>
    request<{ entries: { label: string; color: string }[] }>('GET', `api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/legend${layer ? `?layer=${encodeURIComponent(layer)}` : ''}`),
  runFile: <T = unknown>(runId: string, path: string) =>
    request<T>('GET', `api/runs/${encodeURIComponent(runId)}/files/${path.split('/').map(encodeURIComponent).join('/')}`),
};

export function previewUrl(runId: string, nodeId: string, layer: string, maxSize = 1024): string {
  return `api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/preview.png?layer=${encodeURIComponent(layer)}&maxSize=${maxSize}`;
}
