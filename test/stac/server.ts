/**
 * An offline STAC API + COG server on 127.0.0.1 for tests and the benchmark, serving a catalogue built by
 * build_catalog.py (or bench-stac.ts): POST/GET /stac/search (collections, bbox, datetime, limit; pages linked by
 * `rel: next`), /stac/collections[/id[/items/id]], COGs under /cogs/ with HTTP Range support (express.static),
 * a Planetary Computer-style SAS token endpoint, request counters, and fault injection (429 + Retry-After, 5xx,
 * hanging responses, no Range support, required token).
 */
import express from 'express';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Item {
  id: string;
  collection: string;
  bbox: number[];
  properties: { datetime: string } & Record<string, unknown>;
  assets: Record<string, { href: string } & Record<string, unknown>>;
  [k: string]: unknown;
}

export interface Fault {
  /** Requests whose path matches */
  path: RegExp;
  /** How many matching requests get the fault (then it is used up) */
  times: number;
  status?: number;
  retryAfter?: string;
  /** Never answer (the client's timeout must fire) */
  hang?: boolean;
}

export interface StacServerOptions {
  /** Folder with items.json and cogs/ */
  root: string;
  /** Items per page at most (default 10, so that searches page) */
  pageSize?: number;
  /** Answer Range requests with the whole file (200), like a server without Range support */
  noRange?: boolean;
  /** Require ?sig=<token> on COG requests (Planetary Computer-style signing) */
  requireToken?: string;
  /** next links as GET ?page=N instead of POST with a merged body */
  getPaging?: boolean;
}

export interface StacServer {
  url: string;
  stats: { requests: number; searches: number; cogRequests: number; rangeRequests: number; tokens: number; bytes: number; faults: number };
  faults: Fault[];
  options: StacServerOptions;
  resetStats(): void;
  close(): Promise<void>;
}

function intersects(a: number[], b: number[]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export async function startStacServer(options: StacServerOptions): Promise<StacServer> {
  const catalogue = JSON.parse(readFileSync(join(options.root, 'items.json'), 'utf8')) as { items: Item[]; collections: { id: string }[] };
  const items = [...catalogue.items].sort((a, b) => a.properties.datetime.localeCompare(b.properties.datetime) || a.id.localeCompare(b.id));
  const app = express();
  const stats = { requests: 0, searches: 0, cogRequests: 0, rangeRequests: 0, tokens: 0, bytes: 0, faults: 0 };
  const server: StacServer = {
    url: '', stats, faults: [], options,
    resetStats: () => Object.keys(stats).forEach((k) => ((stats as Record<string, number>)[k] = 0)),
    close: () => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }),
  };
  const hanging: express.Response[] = [];
  app.use((req, res, next) => {
    stats.requests++;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') stats.bytes += Buffer.byteLength(chunk as Buffer);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') stats.bytes += Buffer.byteLength(chunk as Buffer);
      return (end as (...a: unknown[]) => express.Response)(chunk, ...rest);
    }) as typeof res.end;
    const fault = server.faults.find((f) => f.times > 0 && f.path.test(req.path));
    if (!fault) return next();
    fault.times--;
    stats.faults++;
    if (fault.hang) {
      hanging.push(res);
      return;
    }
    if (fault.retryAfter !== undefined) res.set('Retry-After', fault.retryAfter);
    res.status(fault.status ?? 503).type('text/plain').send(`injected fault ${fault.status ?? 503}`);
  });
  app.use(express.json({ limit: '1mb' }));

  const base = () => server.url;
  const withHrefs = (it: Item) => ({
    ...it,
    assets: Object.fromEntries(Object.entries(it.assets).map(([k, a]) => [k, { ...a, href: `${base()}/cogs/${a.href.replace(/^cogs\//, '')}` }])),
    links: [{ rel: 'self', href: `${base()}/stac/collections/${it.collection}/items/${it.id}` }],
  });

  const search = (q: { collections?: string[]; bbox?: number[]; datetime?: string; limit?: number; page?: number }, res: express.Response, viaGet: boolean) => {
    stats.searches++;
    let [start, end] = [-Infinity, Infinity];
    if (q.datetime) {
      const [s, e] = q.datetime.split('/');
      start = s && s !== '..' ? Date.parse(s) : -Infinity;
      end = e && e !== '..' ? Date.parse(e) : e === undefined ? start : Infinity;
    }
    const hits = items.filter(
      (it) =>
        (!q.collections || q.collections.includes(it.collection)) &&
        (!q.bbox || intersects(it.bbox, q.bbox)) &&
        Date.parse(it.properties.datetime) >= start && Date.parse(it.properties.datetime) <= end,
    );
    const limit = Math.min(q.limit ?? 10, options.pageSize ?? 10);
    const page = q.page ?? 0;
    const slice = hits.slice(page * limit, (page + 1) * limit);
    const links: Record<string, unknown>[] = [];
    if ((page + 1) * limit < hits.length) {
      if (options.getPaging || viaGet) {
        const u = new URL(`${base()}/stac/search`);
        if (q.collections) u.searchParams.set('collections', q.collections.join(','));
        if (q.bbox) u.searchParams.set('bbox', q.bbox.join(','));
        if (q.datetime) u.searchParams.set('datetime', q.datetime);
        u.searchParams.set('limit', String(limit));
        u.searchParams.set('page', String(page + 1));
        links.push({ rel: 'next', href: u.href, type: 'application/geo+json', method: 'GET' });
      } else {
        links.push({ rel: 'next', href: `${base()}/stac/search`, method: 'POST', body: { page: page + 1 }, merge: true });
      }
    }
    res.type('application/geo+json').send(JSON.stringify({ type: 'FeatureCollection', features: slice.map(withHrefs), links, numberMatched: hits.length, numberReturned: slice.length }));
  };
  app.post('/stac/search', (req, res) => search(req.body ?? {}, res, false));
  app.get('/stac/search', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    search({
      collections: q.collections?.split(','), bbox: q.bbox?.split(',').map(Number), datetime: q.datetime,
      limit: q.limit ? Number(q.limit) : undefined, page: q.page ? Number(q.page) : undefined,
    }, res, true);
  });
  app.get('/stac', (_req, res) => {
    res.json({ type: 'Catalog', id: 'offline', stac_version: '1.0.0', description: 'offline STAC API', conformsTo: ['https://api.stacspec.org/v1.0.0/item-search'],
      links: [{ rel: 'search', href: `${base()}/stac/search`, method: 'POST' }, { rel: 'data', href: `${base()}/stac/collections` }] });
  });
  app.get('/stac/collections', (_req, res) => { res.json({ collections: catalogue.collections, links: [] }); });
  app.get('/stac/collections/:id', (req, res) => {
    const c = catalogue.collections.find((x) => x.id === req.params.id);
    if (!c) res.status(404).json({ code: 'NotFound', description: `no collection ${req.params.id}` });
    else res.json(c);
  });
  app.get('/stac/collections/:id/items/:item', (req, res) => {
    const it = items.find((x) => x.id === req.params.item && x.collection === req.params.id);
    if (!it) res.status(404).json({ code: 'NotFound' });
    else res.type('application/geo+json').send(JSON.stringify(withHrefs(it)));
  });
  app.get('/sas/token/:collection', (req, res) => {
    stats.tokens++;
    res.json({ 'msft:expiry': new Date(Date.now() + 3_600_000).toISOString(), token: `st=x&se=y&sig=${options.requireToken ?? 'none'}-${req.params.collection}` });
  });
  app.use('/cogs', (req, res, next) => {
    stats.cogRequests++;
    if (req.headers.range) stats.rangeRequests++;
    if (options.requireToken) {
      const sig = String(req.query.sig ?? '');
      if (!sig.startsWith(`${options.requireToken}-`)) return void res.status(403).type('text/plain').send('AuthenticationFailed: signature missing or invalid');
    }
    next();
  });
  app.use('/cogs', (req, res, next) => express.static(join(options.root, 'cogs'), { acceptRanges: !options.noRange, etag: false, lastModified: false })(req, res, next));

  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  http.on('close', () => hanging.splice(0).forEach((r) => r.destroy()));
  const addr = http.address() as { port: number };
  server.url = `http://127.0.0.1:${addr.port}`;
  return server;
}
