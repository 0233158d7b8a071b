/**
 * What a GEE export folder holds: prefixes, years and bands from file names `<PREFIX>_<YEAR>_<BAND>.tif`
 * (or split tiles `<PREFIX>_<YEAR>_<BAND>-<row>-<col>.tif`). Used by s2.load's validation check (so a year
 * with no files is reported before a run, naming the years that exist) and by the editor's folder scan.
 */
import { readdirSync } from 'node:fs';

const FILE_RE = /^(.+)_(\d{4})_(B\d{1,2}A?|probability|SCL)(?:-\d{10}-\d{10})?\.tif$/i;

export interface ExportYear {
  year: number;
  /** Spectral bands found, in Sentinel-2 order. */
  bands: string[];
  /** Cloud layers found: "probability" and/or "scl". */
  cloudLayers: ('probability' | 'scl')[];
}

export interface ExportPrefix {
  prefix: string;
  years: ExportYear[];
}

const BAND_ORDER = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B8A', 'B9', 'B10', 'B11', 'B12'];

/** Scans the names in a folder (no file is opened). Prefixes sorted by name, years ascending. */
export function scanExportNames(names: string[]): ExportPrefix[] {
  const byPrefix = new Map<string, Map<number, { bands: Set<string>; cloud: Set<'probability' | 'scl'> }>>();
  for (const name of names) {
    const m = FILE_RE.exec(name);
    if (!m) continue;
    const [, prefix, yearText, layer] = m;
    const year = Number(yearText);
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, new Map());
    const years = byPrefix.get(prefix)!;
    if (!years.has(year)) years.set(year, { bands: new Set(), cloud: new Set() });
    const y = years.get(year)!;
    const upper = layer.toUpperCase();
    if (upper === 'PROBABILITY') y.cloud.add('probability');
    else if (upper === 'SCL') y.cloud.add('scl');
    else y.bands.add(upper);
  }
  return [...byPrefix.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([prefix, years]) => ({
      prefix,
      years: [...years.entries()]
        .sort(([a], [b]) => a - b)
        .map(([year, y]) => ({
          year,
          bands: [...y.bands].sort((a, b) => BAND_ORDER.indexOf(a) - BAND_ORDER.indexOf(b)),
          cloudLayers: (['probability', 'scl'] as const).filter((c) => y.cloud.has(c)),
        })),
    }));
}

export function scanExportFolder(dir: string): ExportPrefix[] {
  return scanExportNames(readdirSync(dir));
}

/** "a, b and c" */
export function listWords(items: (string | number)[]): string {
  const s = items.map(String);
  return s.length <= 1 ? (s[0] ?? '') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}
