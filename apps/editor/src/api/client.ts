/** Thin fetch wrappers around the runner's HTTP API. Relative URLs: the editor is served by the runner. */
import { errorWords } from '@sentiflow/protocol';
import type { CatalogEntry, ExampleInfo, FileEntry, Graph, Problem, RunInfo } from './types.ts';

/** A failed request: `message` is the server's own sentence plus its code in plain words, ready to show. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
    /** The server's error code (e.g. "not-found"), or "http-<status>" when the answer carried none. */
    readonly code: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * "<server message> (<code in plain words>, HTTP <status>)" from whatever the server answered; the server
 * answers `{ error: { code, message } }` and the words come from the protocol's error catalogue.
 */
export function describeFailure(status: number, statusText: string, data: unknown): { code: string; message: string } {
  const err = (data as { error?: unknown } | undefined)?.error;
  let code = `http-${status}`;
  let text: string | undefined;
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string') code = e.code;
    if (typeof e.message === 'string') text = e.message;
  } else if (typeof err === 'string') text = err;
  else if (typeof (data as { message?: unknown } | undefined)?.message === 'string') text = (data as { message: string }).message;
  else if (typeof data === 'string' && data.trim() && data.length < 300) text = data.trim();
  const words = errorWords(code, statusText ? statusText.toLowerCase() : 'request failed');
  return { code, message: text ? `${text} (${words}, HTTP ${status})` : `${words} (HTTP ${status})` };
}

/** The API over `fetch`; `base` is where the runner is ("" in the browser: relative URLs). */
export function createApi(base = '') {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = base + path;
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
      const { code, message } = describeFailure(res.status, res.statusText, data);
      throw new ApiError(message, res.status, data, code, `${method} ${url}`);
    }
    return data as T;
  }
  return {
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
}

export type Api = ReturnType<typeof createApi>;
export const api = createApi();

export function previewUrl(runId: string, nodeId: string, layer: string, maxSize = 1024): string {
  return `api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/preview.png?layer=${encodeURIComponent(layer)}&maxSize=${maxSize}`;
}
