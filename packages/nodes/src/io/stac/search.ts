/**
 * STAC item search: a STAC API (`POST /search` with bbox, datetime, collections and limit, following `rel: next`
 * links, GET or POST, with `merge`), or a static catalogue on disk (catalog.json -> child/item links, filtered
 * here). Presets name the public catalogues; Planetary Computer hrefs are signed with a token from its SAS
 * endpoint (one token per collection, reused until it nears expiry).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { NodeError } from '../../errors.ts';
import type { HttpClient } from './http.ts';

export interface StacAsset {
  href: string;
  type?: string;
  'eo:bands'?: { name?: string; common_name?: string }[];
  'raster:bands'?: { offset?: number; scale?: number; nodata?: number }[];
  'proj:transform'?: number[];
  'proj:shape'?: number[];
  [k: string]: unknown;
}

export interface StacItem {
  id: string;
  collection?: string;
  bbox?: number[];
  properties: Record<string, unknown> & { datetime?: string | null };
  assets: Record<string, StacAsset>;
  links?: { rel: string; href: string }[];
}

export interface Preset {
  url: string;
  collection: string;
  tokenEndpoint?: string;
  label: string;
}

export const CATALOG_PRESETS: Record<string, Preset> = {
  'earth-search': { url: 'https://earth-search.aws.element84.com/v1', collection: 'sentinel-2-l2a', label: 'Earth Search (Element 84), sentinel-2-l2a' },
  'earth-search-c1': { url: 'https://earth-search.aws.element84.com/v1', collection: 'sentinel-2-c1-l2a', label: 'Earth Search, reprocessed collection 1 (sentinel-2-c1-l2a)' },
  'planetary-computer': {
    url: 'https://planetarycomputer.microsoft.com/api/stac/v1',
    collection: 'sentinel-2-l2a',
    tokenEndpoint: 'https://planetarycomputer.microsoft.com/api/sas/v1/token',
    label: 'Microsoft Planetary Computer, sentinel-2-l2a',
  },
};

export interface SearchQuery {
  collection: string;
  /** lon/lat: west, south, east, north */
  bbox: [number, number, number, number];
  /** RFC 3339 interval start/end */
  datetime: string;
  limit?: number;
  /** Safety stop (default 10,000 items). */
  maxItems?: number;
}

interface Page {
  type?: string;
  features?: StacItem[];
  links?: { rel: string; href: string; method?: string; body?: Record<string, unknown>; merge?: boolean }[];
}

/** All items of a STAC API search, page after page. */
export async function searchApi(client: HttpClient, apiUrl: string, q: SearchQuery, onPage?: (items: number) => void): Promise<StacItem[]> {
  const body: Record<string, unknown> = { collections: [q.collection], bbox: q.bbox, datetime: q.datetime, limit: q.limit ?? 100 };
  let url = `${apiUrl.replace(/\/+$/, '')}/search`;
  let method: 'GET' | 'POST' = 'POST';
  let payload: Record<string, unknown> | undefined = body;
  const items: StacItem[] = [];
  const seenPages = new Set<string>();
  for (let page = 1; ; page++) {
    const res: Page = await client.json<Page>(url, `STAC search (page ${page})`, method === 'POST' ? payload : undefined);
    if (!Array.isArray(res.features)) throw new NodeError(`The STAC search at ${url} did not return a FeatureCollection (no "features"): is this a STAC API URL?`, { param: 'catalog' });
    items.push(...res.features);
    onPage?.(items.length);
    if (items.length > (q.maxItems ?? 10_000)) {
      throw new NodeError(`The search found more than ${q.maxItems ?? 10_000} items: narrow the AOI or the dates.`, { param: 'aoi' });
    }
    const next: NonNullable<Page['links']>[number] | undefined = res.links?.find((l) => l.rel === 'next');
    if (!next || res.features.length === 0) return items;
    method = next.method?.toUpperCase() === 'POST' ? 'POST' : 'GET';
    url = new URL(next.href, url).href;
    payload = method === 'POST' ? (next.merge ? { ...payload, ...next.body } : (next.body ?? payload)) : undefined;
    const signature = `${method} ${url} ${JSON.stringify(payload ?? null)}`;
    if (seenPages.has(signature)) throw new NodeError(`The STAC API at ${apiUrl} returned the same "next" page twice; it is paging in a loop.`, { param: 'catalog' });
    seenPages.add(signature);
  }
}

function intersects(a: number[], b: number[]): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Items of a static catalogue (a catalog.json or collection.json file), filtered like a search would be. */
export function searchStatic(rootFile: string, q: SearchQuery): StacItem[] {
  const [start, end] = q.datetime.split('/').map((t) => Date.parse(t));
  const out: StacItem[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number) => {
    if (seen.has(file) || depth > 8) return;
    seen.add(file);
    if (!existsSync(file)) throw new NodeError(`The static catalogue links to ${file}, which does not exist.`, { param: 'catalog', file });
    let doc: { type?: string; id?: string; links?: { rel: string; href: string }[] } & Partial<StacItem>;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new NodeError(`${file} is not valid JSON: ${(e as Error).message}`, { param: 'catalog', file });
    }
    const here = dirname(file);
    if (doc.type === 'Feature') {
      const item = doc as StacItem;
      const t = Date.parse(String(item.properties?.datetime ?? ''));
      const collectionOk = !q.collection || !item.collection || item.collection === q.collection;
      if (collectionOk && t >= start && t <= end && (!item.bbox || intersects(item.bbox, q.bbox))) {
        const assets = Object.fromEntries(Object.entries(item.assets ?? {}).map(([k, a]) => [k, { ...a, href: absolute(a.href, here) }]));
        out.push({ ...item, assets });
      }
      return;
    }
    if (doc.type === 'Collection' && q.collection && doc.id !== q.collection) return;
    for (const l of doc.links ?? []) if (l.rel === 'child' || l.rel === 'item') visit(absolute(l.href, here), depth + 1);
  };
  visit(rootFile, 0);
  return out;
}

function absolute(href: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(href)) return href;
  return isAbsolute(href) ? href : resolve(base, href);
}

/** Signs hrefs with Planetary Computer-style SAS tokens: GET <endpoint>/<collection> -> {token, "msft:expiry"}. */
export class HrefSigner {
  private tokens = new Map<string, Promise<{ token: string; expires: number }>>();
  constructor(
    private readonly client: HttpClient,
    private readonly endpoint: string,
  ) {}

  async sign(href: string, collection: string): Promise<string> {
    if (!/^https?:/i.test(href)) return href;
    let pending = this.tokens.get(collection);
    const t0 = pending ? await pending.catch(() => undefined) : undefined;
    if (!t0 || t0.expires - Date.now() < 5 * 60_000) {
      // one request per collection even when many hrefs are signed at once
      pending = this.fetchToken(collection);
      this.tokens.set(collection, pending);
      pending.catch(() => this.tokens.delete(collection));
    }
    const t = await pending!;
    return `${href}${href.includes('?') ? '&' : '?'}${t.token}`;
  }

  private async fetchToken(collection: string): Promise<{ token: string; expires: number }> {
    const url = `${this.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(collection)}`;
    const res = await this.client.json<{ token?: string; 'msft:expiry'?: string }>(url, `SAS token for ${collection}`);
    if (!res.token) throw new NodeError(`The token endpoint ${url} returned no "token".`, { param: 'tokenEndpoint' });
    const expiry = Date.parse(res['msft:expiry'] ?? '');
    return { token: res.token.replace(/^\?/, ''), expires: Number.isNaN(expiry) ? Date.now() + 30 * 60_000 : expiry };
  }
}
