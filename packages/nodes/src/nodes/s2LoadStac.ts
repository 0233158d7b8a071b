/**
 * s2.loadStac: Sentinel-2 L2A from a STAC catalogue of COGs -> the same TimeSeries s2.load gives for a GEE
 * toBands() export. Searches, drops reprocessed duplicates, groups the tiles of one overpass into one date,
 * reads only the AOI's windows by HTTP range requests, harmonises each item's radiometry to S2_SR_HARMONIZED,
 * and writes the year as a toBands() stack in its cache entry, then describes it exactly like s2.load.
 *
 * Cache: the key is the params (plus size/mtime of a local AOI file or static catalogue), never a search: an
 * unchanged graph makes no request at all. The flip side: items the catalogue adds or reprocesses later are not
 * seen until a param changes or the cache is cleared (documented in docs/stac.md).
 */
import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { z } from 'zod';
import { defineNode, NodeError, type NodeContext } from '../define.ts';
import { httpByteSource, fileByteSource } from '../io/stac/cog.ts';
import { HttpClient } from '../io/stac/http.ts';
import { CATALOG_PRESETS, HrefSigner, searchApi, searchStatic, type StacItem } from '../io/stac/search.ts';
import { dropDuplicates, groupBySolarDay, itemTile } from '../io/stac/items.ts';
import { aoiAreaKm2, lonLatBbox, targetGrid } from '../io/stac/aoi.ts';
import { loadStack, type Layer } from '../io/stac/load.ts';
import { readAoi, aoiParam } from '../io/stac/aoiInput.ts';
import { L2A_BANDS, S2_BANDS, s2Load } from './s2Load.ts';

const PREFIX = 'S2_STAC';
const NATIVE_20M = new Set(['B5', 'B6', 'B7', 'B8A', 'B11', 'B12']);

const params = z.object({
  catalog: z
    .string()
    .min(1)
    .default('earth-search-c1')
    .describe(
      'Where to search: a preset ("earth-search" = Earth Search sentinel-2-l2a, "earth-search-c1" = its reprocessed sentinel-2-c1-l2a, ' +
        '"planetary-computer" = Microsoft Planetary Computer, hrefs signed automatically), any STAC API URL (https://...), ' +
        'or a static catalogue (catalog.json) relative to the data root.',
    ),
  collection: z.string().min(1).optional().describe("Collection id. Default: the preset's (sentinel-2-l2a / sentinel-2-c1-l2a), or sentinel-2-l2a for a URL."),
  tokenEndpoint: z
    .string()
    .url()
    .optional()
    .describe('SAS token endpoint that signs asset hrefs (GET <endpoint>/<collection> -> {token}), as Planetary Computer needs. Set automatically for "planetary-computer".'),
  aoi: aoiParam.meta({ widget: 'aoi' }),
  year: z.number().int().min(2015).max(2100).optional().describe('Calendar year to load (UTC). Or give start and end.').meta({ unit: 'year' }),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('First day (YYYY-MM-DD), instead of year.'),
  end: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('Last day (YYYY-MM-DD, inclusive), instead of year.'),
  bands: z.array(z.enum(S2_BANDS)).min(1).default([...L2A_BANDS]).describe('Bands to load (uint16 reflectance x 10000, harmonised like GEE S2_SR_HARMONIZED, 0 = no data).').meta({ widget: 'bandList' }),
  cloudLayer: z
    .enum(['scl', 'cloud', 'none'])
    .default('scl')
    .describe(
      'Cloud layer: "scl" = Sen2Cor scene classification (every catalogue; mask with s2.cloudMask method "scl"), "cloud" = Sen2Cor cloud probability 0-100 ' +
        '(Earth Search c1 only; NOT s2cloudless: re-tune the threshold of s2.cloudMask "probability"), "none".',
    ),
  maxCloudCover: z.number().min(0).max(100).default(100).describe("Skip items whose eo:cloud_cover (% of the whole tile) is above this. 100 keeps every item, as a toBands() export does.").meta({ unit: '%' }),
});
type Params = z.infer<typeof params>;

interface Resolved {
  kind: 'api' | 'static';
  where: string;
  collection: string;
  tokenEndpoint?: string;
}

function resolveCatalog(p: Params, ctx: Pick<NodeContext, 'resolvePath'>): Resolved {
  const preset = CATALOG_PRESETS[p.catalog];
  if (preset) return { kind: 'api', where: preset.url, collection: p.collection ?? preset.collection, tokenEndpoint: p.tokenEndpoint ?? preset.tokenEndpoint };
  if (/^https?:\/\//i.test(p.catalog)) return { kind: 'api', where: p.catalog, collection: p.collection ?? 'sentinel-2-l2a', tokenEndpoint: p.tokenEndpoint };
  if (/^[a-z][a-z0-9+.-]*:/i.test(p.catalog)) {
    throw new NodeError(`catalog "${p.catalog}" is neither a preset (${Object.keys(CATALOG_PRESETS).join(', ')}), an http(s) URL nor a file in the data root.`, { param: 'catalog' });
  }
  const file = ctx.resolvePath(p.catalog, 'catalog');
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new NodeError(`catalog: no static STAC catalogue at ${file}. Give a preset (${Object.keys(CATALOG_PRESETS).join(', ')}), a STAC API URL, or the path of a catalog.json.`, {
      param: 'catalog', file,
    });
  }
  return { kind: 'static', where: file, collection: p.collection ?? '', tokenEndpoint: p.tokenEndpoint };
}

function interval(p: Params): { start: string; end: string; year: number } {
  if (p.year !== undefined && (p.start || p.end)) throw new NodeError('Give either year or start and end, not both.', { param: 'year' });
  if (p.year !== undefined) return { start: `${p.year}-01-01T00:00:00Z`, end: `${p.year}-12-31T23:59:59Z`, year: p.year };
  if (!p.start || !p.end) throw new NodeError('Give the year to load, or both start and end (YYYY-MM-DD).', { param: p.start ? 'end' : 'year' });
  if (p.end < p.start) throw new NodeError(`end (${p.end}) is before start (${p.start}).`, { param: 'end' });
  return { start: `${p.start}T00:00:00Z`, end: `${p.end}T23:59:59Z`, year: Number(p.start.slice(0, 4)) };
}

function layersOf(p: Params): Layer[] {
  const bands = [...new Set(p.bands)];
  const layers: Layer[] = bands.map((b) => ({ file: b, asset: b, reflectance: true, dataType: 'uint16', param: 'bands' }));
  if (p.cloudLayer === 'scl') layers.push({ file: 'SCL', asset: 'SCL', reflectance: false, dataType: 'uint8', param: 'cloudLayer' });
  if (p.cloudLayer === 'cloud') layers.push({ file: 'probability', asset: 'CLOUD', reflectance: false, dataType: 'uint8', param: 'cloudLayer' });
  // the radiometry check reads blue and SCL; SCL is cheap (20 m, uint8) and always read when it is the mask
  return layers;
}

function localFile(stamp: string): string {
  try {
    const s = statSync(stamp);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Search and selection, shared by the node and the editor's estimate (apps/runner/src/server/stac.ts). */
async function plan(p: Params, ctx: Pick<NodeContext, 'resolvePath' | 'dataRoot'>, client: HttpClient) {
  const cat = resolveCatalog(p, ctx);
  const when = interval(p);
  const aoi = await readAoi(p.aoi, ctx);
  const grid = targetGrid(aoi);
  if (grid.width * grid.height > 40_000 * 40_000) throw new NodeError(`The AOI is ${grid.width} x ${grid.height} px at 10 m: too large; draw a smaller area.`, { param: 'aoi' });
  const bbox = lonLatBbox(aoi);
  const query = { collection: cat.collection, bbox, datetime: `${when.start}/${when.end}` };
  const found = cat.kind === 'api' ? await searchApi(client, cat.where, query) : searchStatic(cat.where, query);
  const cloudy = found.filter((it) => Number(it.properties['eo:cloud_cover'] ?? 0) > p.maxCloudCover);
  const { kept, dropped } = dropDuplicates(found.filter((it) => !cloudy.includes(it)));
  const groups = groupBySolarDay(kept);
  if (groups.length === 0) {
    throw new NodeError(
      `No ${cat.collection || 'Sentinel-2'} item of ${cat.kind === 'api' ? cat.where : relative(ctx.dataRoot, cat.where)} covers the AOI between ${when.start.slice(0, 10)} and ${when.end.slice(0, 10)}` +
        `${cloudy.length ? ` with eo:cloud_cover <= ${p.maxCloudCover} (${cloudy.length} cloudier items skipped)` : ''}. Check the AOI, the dates and the collection` +
        " (Earth Search's reprocessed collection has gaps in some years).",
      { param: found.length ? 'maxCloudCover' : 'aoi' },
    );
  }
  return { cat, when, aoi, grid, found, cloudy, kept, dropped, groups };
}

export interface StacEstimate {
  aoiKm2: number;
  grid: { width: number; height: number; epsg: number | undefined };
  items: number;
  dates: number;
  tiles: string[];
  duplicatesDropped: number;
  skippedCloudy: number;
  /** Rough: DEFLATE-compressed uint16 at ~60 %, 20 m bands and SCL at a quarter of the pixels, per item. */
  estimatedBytes: number;
}

/** What a run would download, from the search alone (one search, no COG read). */
export async function estimateStac(raw: unknown, ctx: Pick<NodeContext, 'resolvePath' | 'dataRoot' | 'signal'>): Promise<StacEstimate> {
  const parsed = params.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NodeError(`${issue.path.join('.')}: ${issue.message}`, { param: issue.path.map(String).join('.') });
  }
  const p = parsed.data;
  const { aoi, grid, kept, groups, dropped, cloudy } = await plan(p, ctx, new HttpClient({ signal: ctx.signal }));
  const px = grid.width * grid.height;
  const perItem = layersOf(p).reduce((sum, l) => sum + (NATIVE_20M.has(l.file) || !l.reflectance ? px / 4 : px) * (l.dataType === 'uint8' ? 1 : 2) * 0.6, 0);
  return {
    aoiKm2: Number(aoiAreaKm2(aoi, grid.crs.epsg).toFixed(3)),
    grid: { width: grid.width, height: grid.height, epsg: grid.crs.epsg },
    items: kept.length,
    dates: groups.length,
    tiles: [...new Set(kept.map(itemTile))].sort(),
    duplicatesDropped: dropped.length,
    skippedCloudy: cloudy.length,
    estimatedBytes: Math.round(perItem * kept.length),
  };
}

export const s2LoadStac = defineNode({
  type: 's2.loadStac',
  version: 1,
  category: 'Input',
  label: 'Load Sentinel-2 (STAC)',
  description:
    'Searches a STAC catalogue of Sentinel-2 L2A COGs (Earth Search, Planetary Computer, any STAC API or a static catalogue) for an area and a year, ' +
    'reads only the area by HTTP range requests, harmonises each item to GEE S2_SR_HARMONIZED (baseline 04.00 offset), and gives the same time series as Load Sentinel-2: ' +
    'one 10 m grid in the AOI\'s UTM zone, one date per overpass. A rerun reads from the cache and makes no request.',
  inputs: {},
  outputs: { series: { type: 'TimeSeries', label: 'Time series', names: { param: 'bands' } } },
  params,
  async fingerprint(p, ctx) {
    const parts = [`stac-v1`];
    if (typeof p.aoi === 'string') parts.push(`aoi:${localFile(ctx.resolvePath(p.aoi, 'aoi'))}`);
    const cat = resolveCatalog(p, ctx);
    if (cat.kind === 'static') parts.push(`catalog:${localFile(cat.where)}`);
    return parts.join('|');
  },
  async run(ctx, _inputs, p) {
    const client = new HttpClient({ signal: ctx.signal });
    const { cat, when, aoi, grid, found, cloudy, kept, dropped, groups } = await plan(p, ctx, client);
    const searchRequests = client.stats.requests;
    const signer = cat.tokenEndpoint ? new HrefSigner(client, cat.tokenEndpoint) : null;
    const root = ctx.dataRoot.endsWith(sep) ? ctx.dataRoot : ctx.dataRoot + sep;
    const source = async (href: string, item: StacItem) => {
      if (/^https?:\/\//i.test(href)) {
        const url = signer ? await signer.sign(href, item.collection ?? cat.collection) : href;
        return httpByteSource(client, url, `${href.split('/').pop()} of item ${item.id}`);
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(href)) throw new NodeError(`Item ${item.id} links its assets as ${href.split(':')[0]}:// URLs, which this node cannot read; use a catalogue with https hrefs.`, { param: 'catalog' });
      if (cat.kind !== 'static' || !(href + sep).startsWith(root)) throw new NodeError(`Item ${item.id} points to ${href}, outside the data root.`, { param: 'catalog' });
      return fileByteSource(href);
    };
    const layers = layersOf(p);
    const loaded = await loadStack({
      groups, grid, layers, workDir: ctx.workDir, prefix: PREFIX, year: when.year, source, signal: ctx.signal,
      progress: (done, total) => ctx.progress(done, total, 'steps'),
    });
    // The stack is a toBands() export now: describe it with s2.load itself, so the TimeSeries is the same.
    const local = { ...ctx, resolvePath: () => ctx.workDir };
    const loadParams = s2Load.params.parse({ dir: '.', prefix: PREFIX, year: when.year, bands: p.bands, cloudLayer: p.cloudLayer === 'scl' ? 'scl' : p.cloudLayer === 'cloud' ? 'probability' : 'none' });
    const described = await s2Load.run(local, {}, loadParams);
    const byRule: Record<string, number> = {};
    for (const it of loaded.items) byRule[it.subtract ? 'minus1000' : 'asStored'] = (byRule[it.subtract ? 'minus1000' : 'asStored'] ?? 0) + 1;
    return {
      outputs: described.outputs,
      files: Object.values(loaded.files).map((f) => relative(ctx.workDir, f)),
      summary: {
        ...described.summary,
        catalog: cat.kind === 'api' ? cat.where : relative(ctx.dataRoot, cat.where),
        collection: cat.collection,
        aoiKm2: Number(aoiAreaKm2(aoi, grid.crs.epsg).toFixed(3)),
        itemsFound: found.length,
        itemsUsed: kept.length,
        skippedCloudy: cloudy.map((it) => it.id),
        duplicatesDropped: dropped,
        tiles: [...new Set(kept.map(itemTile))].sort(),
        offsetRules: byRule,
        items: loaded.items,
        requests: client.stats.requests,
        searchRequests,
        retries: client.stats.retries,
        bytesRead: client.stats.bytes,
        tileBytes: loaded.tileBytes,
        cloudNote: p.cloudLayer === 'cloud' ? 'Sen2Cor cloud probability, not s2cloudless: re-tune the probability threshold.' : undefined,
        nativeBands20m: p.bands.filter((b) => NATIVE_20M.has(b)),
      },
    };
  },
});
