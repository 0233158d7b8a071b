/**
 * The optional XYZ basemap (`sentiflow serve --basemap URL`): the server fetches tiles of the one configured
 * template for the editor, so the editor draws them as same-origin images (WebGL needs CORS-clean textures)
 * and learns in one place whether the tiles can be fetched at all (offline machines are the normal case).
 *
 *   GET /api/basemap                → { enabled, host?, attribution?, reachable?, reason? }
 *   GET /api/basemap/tile/:z/:x/:y  → the tile's bytes (image/*), or 502 basemap-unreachable
 *
 * Not an open proxy: the only URL it fetches is the operator's template with z/x/y checked as whole numbers in
 * range; nothing from the request (query, headers, cookies) is passed on. The template may carry an API key,
 * so clients only see its host.
 */
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from './errors.ts';
import type { BasemapStatus } from '@sentiflow/protocol';

export interface BasemapOptions {
  /** Tile URL template with {z}, {x} and {y} ({-y}: TMS rows; {s}: one of a, b, c). */
  url: string;
  /** Shown under the map, e.g. "© OpenStreetMap contributors". */
  attribution?: string;
}


const MAX_ZOOM = 22;
const MAX_TILE_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 8000;
const CACHE_TILES = 512;
const MAX_IN_FLIGHT = 6;
/** After a failure, the next status request tries again this much later (the network may come back). */
const RETRY_MS = 60_000;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

const tileParams = z.object({
  z: z.coerce.number().int().min(0).max(MAX_ZOOM),
  x: z.coerce.number().int().min(0),
  y: z.coerce.number().int().min(0),
});

/** Checks a template up front, with the error a person starting the server can act on. */
export function checkBasemapTemplate(url: string): URL {
  const example = 'e.g. --basemap "https://tile.openstreetmap.org/{z}/{x}/{y}.png"';
  for (const slot of ['{z}', '{x}']) if (!url.includes(slot)) throw new Error(`the basemap URL "${url}" has no ${slot}: ${example}`);
  if (!url.includes('{y}') && !url.includes('{-y}')) throw new Error(`the basemap URL "${url}" has no {y}: ${example}`);
  let parsed: URL;
  try {
    parsed = new URL(tileUrl(url, 0, 0, 0));
  } catch {
    throw new Error(`the basemap URL "${url}" is not a URL: ${example}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`the basemap URL must start with http:// or https://, not ${parsed.protocol}`);
  return parsed;
}

export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template
    .replaceAll('{z}', String(z))
    .replaceAll('{x}', String(x))
    .replaceAll('{-y}', String(2 ** z - 1 - y))
    .replaceAll('{y}', String(y))
    .replaceAll('{s}', 'abc'[(x + y) % 3]);
}

function why(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

export function basemapRouter(options: BasemapOptions | undefined, fetchImpl: typeof fetch = fetch): Router {
  const router = Router();
  const template = options?.url;
  const host = template ? checkBasemapTemplate(template).host : undefined;
  const cache = new Map<string, { type: string; bytes: Buffer }>();
  const inFlight = new Map<string, Promise<{ type: string; bytes: Buffer }>>();
  let active = 0;
  const waiting: (() => void)[] = [];
  let reachable: boolean | null = null;
  let reason: string | undefined;
  let failedAt = 0;

  async function fetchTile(z: number, x: number, y: number): Promise<{ type: string; bytes: Buffer }> {
    const key = `${z}/${x}/${y}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit); // most recently used last
      return hit;
    }
    const pending = inFlight.get(key);
    if (pending) return pending;
    const p = (async () => {
      while (active >= MAX_IN_FLIGHT) await new Promise<void>((r) => waiting.push(r));
      active++;
      try {
        let res: Response;
        try {
          res = await fetchImpl(tileUrl(template!, z, x, y), {
            headers: { 'user-agent': 'Sentiflow (land-cover change mapping; basemap under result maps)' },
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
        } catch (err) {
          throw new Error(`the basemap tiles from ${host} cannot be fetched (${why(err)}): is this machine offline?`);
        }
        const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
        if (!res.ok) throw new Error(`the basemap server ${host} answered ${res.status} for tile ${key}`);
        // Raster types only: an SVG served from our origin could run script.
        if (!IMAGE_TYPES.has(type)) throw new Error(`the basemap server ${host} sent "${type || 'no type'}" instead of a PNG, JPEG or WebP tile for ${key}`);
        const bytes = Buffer.from(await res.arrayBuffer());
        if (bytes.length > MAX_TILE_BYTES) throw new Error(`the basemap tile ${key} from ${host} is larger than ${MAX_TILE_BYTES >> 20} MB`);
        const tile = { type, bytes };
        cache.set(key, tile);
        if (cache.size > CACHE_TILES) cache.delete(cache.keys().next().value!);
        reachable = true;
        reason = undefined;
        return tile;
      } catch (err) {
        reachable = false;
        reason = (err as Error).message;
        failedAt = Date.now();
        throw err;
      } finally {
        active--;
        waiting.shift()?.();
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, p);
    return p;
  }

  router.get('/api/basemap', async (_req, res) => {
    if (!template) return void res.json({ enabled: false } satisfies BasemapStatus);
    // Tried once before answering, so the editor can say at once that the basemap is off.
    if (reachable === null || (reachable === false && Date.now() - failedAt > RETRY_MS)) await fetchTile(0, 0, 0).catch(() => undefined);
    const status: BasemapStatus = { enabled: true, host, reachable, ...(options?.attribution ? { attribution: options.attribution } : {}), ...(reason ? { reason } : {}) };
    res.json(status);
  });

  router.get('/api/basemap/tile/:z/:x/:y', async (req, res) => {
    if (!template) throw new HttpError(404, 'no-basemap', 'no basemap is configured (start the server with --basemap URL)');
    const parsed = tileParams.safeParse(req.params);
    const n = parsed.success ? 2 ** parsed.data.z : 0;
    if (!parsed.success || parsed.data.x >= n || parsed.data.y >= n) {
      throw new HttpError(400, 'bad-request', `a tile is /api/basemap/tile/<z>/<x>/<y> with whole numbers, z 0–${MAX_ZOOM} and x, y from 0 to 2^z − 1`);
    }
    const { z: zoom, x, y } = parsed.data;
    let tile: { type: string; bytes: Buffer };
    try {
      tile = await fetchTile(zoom, x, y);
    } catch (err) {
      throw new HttpError(502, 'basemap-unreachable', (err as Error).message);
    }
    res.setHeader('content-type', tile.type);
    res.setHeader('cache-control', 'private, max-age=86400');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', "default-src 'none'");
    res.end(tile.bytes);
  });
  return router;
}
