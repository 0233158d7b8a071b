/**
 * HTTP for STAC searches and COG range reads: a bounded number of requests in flight, retries with back-off on
 * 429 (honouring Retry-After), 5xx, dropped connections and timeouts, cancel through the run's AbortSignal, and
 * counters (requests, bytes, retries) for the node's summary. Errors say which host failed and what to do.
 */
import { NodeError } from '../../errors.ts';

export interface HttpStats {
  requests: number;
  bytes: number;
  retries: number;
}

export interface HttpOptions {
  signal: AbortSignal;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Per-attempt timeout (default 30 s; SENTIFLOW_STAC_TIMEOUT_MS overrides, for tests). */
  timeoutMs?: number;
  /** Attempts after the first (default 5). */
  retries?: number;
  /** First back-off delay; doubles on every retry (default 500 ms; SENTIFLOW_STAC_BACKOFF_MS overrides). */
  backoffMs?: number;
  /** Longest Retry-After honoured (default 60 s). */
  maxRetryAfterMs?: number;
  /** Param named in errors (default 'catalog'). */
  param?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  return v && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, bytes: 0, retries: 0 };
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly param: string;

  constructor(private readonly options: HttpOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.timeoutMs = options.timeoutMs ?? envNumber('SENTIFLOW_STAC_TIMEOUT_MS') ?? 30_000;
    this.retries = options.retries ?? 5;
    this.backoffMs = options.backoffMs ?? envNumber('SENTIFLOW_STAC_BACKOFF_MS') ?? 500;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.param = options.param ?? 'catalog';
  }

  get signal(): AbortSignal {
    return this.options.signal;
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }

  /**
   * One request with retries. `accept` decides whether a non-retryable status is fine (default: 2xx); anything
   * else becomes a NodeError naming the host, the status and `what` was being fetched.
   */
  async request(url: string, init: RequestInit, what: string, accept: (status: number) => boolean = (s) => s >= 200 && s < 300): Promise<HttpResponse> {
    const signal = this.options.signal;
    let lastProblem = '';
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      let wait = this.backoffMs * 2 ** attempt;
      const release = await this.slot();
      try {
        signal.throwIfAborted();
        const timeout = AbortSignal.timeout(this.timeoutMs);
        const both = AbortSignal.any([signal, timeout]);
        this.stats.requests++;
        try {
          const res = await fetch(url, { ...init, signal: both, redirect: 'follow' });
          const body = new Uint8Array(await res.arrayBuffer());
          this.stats.bytes += body.byteLength;
          if (accept(res.status)) return { status: res.status, headers: res.headers, body };
          const text = new TextDecoder().decode(body.subarray(0, 300)).replace(/\s+/g, ' ').trim();
          lastProblem = `HTTP ${res.status}${text ? ` (${text})` : ''}`;
          if (!RETRY_STATUS.has(res.status)) {
            const hint = res.status === 401 || res.status === 403
              ? ' The catalogue refused access: for Planetary Computer the asset links must be signed (catalog "planetary-computer" or set tokenEndpoint).'
              : res.status === 404 ? ' Check the catalogue URL and the collection name.' : '';
            throw new NodeError(`${what} failed: ${host(url)} answered ${lastProblem}.${hint}`, { param: this.param, code: 'stac-http' });
          }
          const after = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
          if (after !== undefined) wait = Math.min(after, this.maxRetryAfterMs);
        } catch (e) {
          if (e instanceof NodeError) throw e;
          if (signal.aborted) throw signal.reason;
          lastProblem = timeout.aborted ? `no answer within ${this.timeoutMs / 1000} s` : `connection failed (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`;
        }
      } finally {
        release();
      }
      if (attempt >= this.retries) {
        throw new NodeError(`${what} failed after ${attempt + 1} attempts: ${host(url)} gave ${lastProblem}. The catalogue may be down or rate-limiting; try again later.`, {
          param: this.param, code: 'stac-http',
        });
      }
      this.stats.retries++;
      await sleep(wait, signal);
    }
  }

  async json<T = unknown>(url: string, what: string, body?: unknown): Promise<T> {
    const init: RequestInit = body === undefined
      ? { method: 'GET', headers: { accept: 'application/json, application/geo+json' } }
      : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/geo+json, application/json' }, body: JSON.stringify(body) };
    const res = await this.request(url, init, what);
    try {
      return JSON.parse(new TextDecoder().decode(res.body)) as T;
    } catch {
      throw new NodeError(`${what}: ${host(url)} did not answer with JSON. Is ${url} a STAC API?`, { param: this.param, code: 'stac-http' });
    }
  }

  /** Bytes [start, start + length) of `url` by an HTTP Range request; a server that ignores Range is an error. */
  async range(url: string, start: number, length: number, what: string): Promise<Uint8Array> {
    const res = await this.request(url, { method: 'GET', headers: { range: `bytes=${start}-${start + length - 1}` } }, what, (s) => s === 206 || s === 200 || s === 416);
    if (res.status === 200) {
      throw new NodeError(
        `${host(url)} does not support HTTP range requests: it answered a request for ${length} bytes of ${what} with the whole file (${res.body.byteLength} bytes). ` +
          'Cloud-optimised GeoTIFFs must be served with Range support (Accept-Ranges: bytes); use another catalogue or a server that supports it.',
        { param: this.param, code: 'stac-no-range' },
      );
    }
    if (res.status === 416) return new Uint8Array(0); // asked past the end (a header prefetch on a tiny file)
    const cr = res.headers.get('content-range');
    const m = cr ? /bytes\s+(\d+)-(\d+)/.exec(cr) : null;
    if (m && Number(m[1]) !== start) throw new NodeError(`${host(url)} answered a range request for ${what} with the wrong bytes (${cr}).`, { param: this.param, code: 'stac-http' });
    return res.body;
  }
}
