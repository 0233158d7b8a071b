/**
 * What to read from each STAC item: the asset of a GEE band name under the catalogues' different keys,
 * duplicates (reprocessed copies of one acquisition) dropped keeping the newest processing, items of one
 * overpass across MGRS tiles grouped into one date (the solar day), and the per-item radiometry rule that makes
 * values equal GEE's S2_SR_HARMONIZED (DN = reflectance x 10000, without the baseline 04.00 +1000 offset).
 */
import type { StacAsset, StacItem } from './search.ts';

/** GEE band -> asset keys in Earth Search (common names), Planetary Computer (B02...), others (B2, b02). */
const ASSET_KEYS: Record<string, string[]> = {
  B1: ['coastal', 'B01', 'B1'], B2: ['blue', 'B02', 'B2'], B3: ['green', 'B03', 'B3'], B4: ['red', 'B04', 'B4'],
  B5: ['rededge1', 'B05', 'B5'], B6: ['rededge2', 'B06', 'B6'], B7: ['rededge3', 'B07', 'B7'], B8: ['nir', 'B08', 'B8'],
  B8A: ['nir08', 'B8A', 'B8a'], B9: ['nir09', 'B09', 'B9'], B11: ['swir16', 'B11'], B12: ['swir22', 'B12'],
  SCL: ['scl', 'SCL'], CLOUD: ['cloud', 'CLD', 'cld'],
};

export function assetOf(item: StacItem, band: string): StacAsset | undefined {
  const keys = ASSET_KEYS[band] ?? [band];
  for (const k of keys) {
    const a = item.assets[k] ?? item.assets[k.toLowerCase()];
    if (a && !/jp2|xml/i.test(a.type ?? '') && !/\.jp2$/i.test(a.href)) return a;
  }
  // a catalogue with other keys but eo:bands common names
  const common = keys[0];
  return Object.values(item.assets).find((a) => a['eo:bands']?.some((b) => b.common_name === common) && !/\.jp2$/i.test(a.href));
}

export function itemTime(item: StacItem): number {
  return Date.parse(String(item.properties.datetime ?? item.properties.start_datetime ?? ''));
}

export function itemTile(item: StacItem): string {
  const p = item.properties;
  const t = p['s2:mgrs_tile'] ?? (p['mgrs:utm_zone'] !== undefined ? `${p['mgrs:utm_zone']}${p['mgrs:latitude_band'] ?? ''}${p['mgrs:grid_square'] ?? ''}` : undefined);
  if (typeof t === 'string' && t) return t.replace(/^T/, '');
  return /_T?(\d{2}[A-Z]{3})_/.exec(item.id)?.[1] ?? 'unknown';
}

function baseline(item: StacItem): number {
  const v = Number(item.properties['s2:processing_baseline']);
  return Number.isFinite(v) ? v : 0;
}

function processedAt(item: StacItem): number {
  const p = item.properties;
  const t = Date.parse(String(p.updated ?? p.created ?? p['s2:generation_time'] ?? ''));
  return Number.isNaN(t) ? 0 : t;
}

/** Solar day (local mean solar time = UTC + longitude / 15 h) of the item's centre: one overpass, one date. */
export function solarDay(item: StacItem): string {
  const b = item.bbox;
  const lon = b && b.length >= 4 ? (b[0] + b[b.length / 2]) / 2 : 0;
  return new Date(itemTime(item) + (lon / 15) * 3_600_000).toISOString().slice(0, 10);
}

export interface Dropped {
  id: string;
  keptId: string;
}

/**
 * Reprocessed copies of one acquisition (same tile, platform and solar day): keeps the highest processing
 * baseline, then the most recently updated, then the last id.
 */
export function dropDuplicates(items: StacItem[]): { kept: StacItem[]; dropped: Dropped[] } {
  const byKey = new Map<string, StacItem[]>();
  for (const it of items) {
    const key = `${itemTile(it)}|${String(it.properties.platform ?? '')}|${solarDay(it)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), it]);
  }
  const kept: StacItem[] = [];
  const dropped: Dropped[] = [];
  for (const group of byKey.values()) {
    const sorted = [...group].sort((a, b) => baseline(b) - baseline(a) || processedAt(b) - processedAt(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    kept.push(sorted[0]);
    for (const d of sorted.slice(1)) dropped.push({ id: d.id, keptId: sorted[0].id });
  }
  return { kept, dropped };
}

export interface DateGroup {
  /** Solar day YYYY-MM-DD */
  day: string;
  /** ISO time of the earliest item (the date's acquisition time) */
  time: string;
  /** Items of the overpass, sorted by tile (first valid pixel wins where tiles overlap) */
  items: StacItem[];
}

export function groupBySolarDay(items: StacItem[]): DateGroup[] {
  const byDay = new Map<string, StacItem[]>();
  for (const it of items) byDay.set(solarDay(it), [...(byDay.get(solarDay(it)) ?? []), it]);
  return [...byDay.entries()]
    .map(([day, group]) => {
      const sorted = [...group].sort((a, b) => (itemTile(a) < itemTile(b) ? -1 : itemTile(a) > itemTile(b) ? 1 : itemTime(a) - itemTime(b)));
      const t = Math.min(...group.map(itemTime));
      return { day, time: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'), items: sorted };
    })
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

export interface Radiometry {
  /** DN subtracted from every valid value (0 or 1000). */
  subtract: number;
  /** Why, for the summary. */
  rule: string;
}

/** The offset the metadata says is stored in the values (before the value check). */
export function metadataRule(item: StacItem, blue: StacAsset | undefined): Radiometry {
  // 1. raster:bands offset -0.1 (scale 1e-4): the values carry +1000 (Earth Search c1)
  const rb = blue?.['raster:bands']?.[0];
  const scale = rb && typeof rb.scale === 'number' && rb.scale > 0 ? rb.scale : 0.0001;
  const rbDn = rb && typeof rb.offset === 'number' ? Math.round(-rb.offset / scale) : undefined;
  if (rbDn === 1000) return { subtract: 1000, rule: 'raster:bands offset -0.1: stored with +1000, subtracted' };
  // 2. baseline >= 04.00: earthsearch:boa_offset_applied (Earth Search) says whether it was removed, else it is stored (Planetary Computer)
  const b = baseline(item);
  const applied = item.properties['earthsearch:boa_offset_applied'];
  if (b >= 4) {
    if (applied === true) return { subtract: 0, rule: `baseline ${b.toFixed(2)}, earthsearch:boa_offset_applied: offset already removed` };
    return { subtract: 1000, rule: `baseline ${b.toFixed(2)} >= 04.00, offset not applied: +1000 subtracted` };
  }
  if (b > 0) return { subtract: 0, rule: `baseline ${b.toFixed(2)} < 04.00: no offset` };
  if (rbDn === 0) return { subtract: 0, rule: 'raster:bands offset 0: harmonised as stored' };
  return itemTime(item) >= Date.parse('2022-01-25T00:00:00Z')
    ? { subtract: 1000, rule: 'no baseline in the metadata, acquired after 2022-01-25 (baseline 04.00): +1000 subtracted' }
    : { subtract: 0, rule: 'no baseline in the metadata, acquired before 2022-01-25: no offset' };
}

/**
 * The value check (the metadata flag is wrong on some items). Without the offset, clear vegetation and water
 * (SCL 4, 6) have blue reflectance well below 0.1 (DN < 1000); with it stored, every valid DN is >= 1000 but for
 * noise. So: many valid blue DN below 1000 -> no offset stored; clear vegetation/water with median blue >= 1000
 * -> offset stored (and then almost no DN is below 1000). Too few clear pixels (cloudy, no SCL) -> the metadata decides.
 */
export function checkRadiometry(meta: Radiometry, blue: Uint16Array | undefined, scl: Uint8Array | undefined): Radiometry & { checked: boolean } {
  if (!blue) return { ...meta, checked: false };
  let valid = 0;
  let below = 0;
  const clear: number[] = [];
  for (let i = 0; i < blue.length; i++) {
    const v = blue[i];
    if (v === 0) continue;
    valid++;
    if (v < 1000) below++;
    if (scl && (scl[i] === 4 || scl[i] === 6)) clear.push(v);
  }
  if (valid < 50) return { ...meta, checked: false };
  const absent = below / valid > 0.05;
  let present = false;
  if (clear.length >= 50 && below / valid < 0.005) {
    clear.sort((a, b) => a - b);
    present = clear[clear.length >> 1] >= 1000;
  }
  if (meta.subtract === 1000 && absent) {
    return { subtract: 0, rule: `metadata says +1000 stored (${meta.rule}) but ${((100 * below) / valid).toFixed(0)} % of blue values are < 1000: not subtracted`, checked: true };
  }
  if (meta.subtract === 0 && present) {
    return { subtract: 1000, rule: `metadata says no offset (${meta.rule}) but clear vegetation/water has median blue >= 1000: +1000 subtracted`, checked: true };
  }
  return { ...meta, checked: absent || present };
}
