/**
 * s2.load's checks against the folder, shared by validation (before a run) and the run itself, so both say
 * the same thing: "no 2031 files for prefix S2_SR_demo in demo/; years found: 2019, 2022".
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckContext, ParamProblem } from '../define.ts';
import { remember } from './checkMemo.ts';
import { scanExportFolder, type ExportPrefix } from '../io/exportScan.ts';
import { s2LoadHeaderProblems } from './s2LoadHeaders.ts';

export interface LoadParamsLike {
  dir: string;
  prefix: string;
  year: number;
  bands: string[];
  cloudLayer: 'probability' | 'scl' | 'none';
}

const CLOUD_WORDS = { probability: 'cloud probability (<PREFIX>_<YEAR>_probability.tif)', scl: 'scene classification (<PREFIX>_<YEAR>_SCL.tif)' } as const;

function shown(dir: string): string {
  return dir.endsWith('/') ? dir : `${dir}/`;
}

/** s2LoadProblems, asked once per validation for the same folder and params. */
export function s2LoadProblemsOnce(ctx: CheckContext, abs: string, p: LoadParamsLike): ParamProblem[] {
  const key = `s2.load:${JSON.stringify([abs, p.prefix, p.year, [...p.bands], p.cloudLayer])}`;
  return remember(ctx, key, () => s2LoadProblems(abs, p));
}

/** Problems of s2.load params against the folder `abs` (the resolved `p.dir`); [] when a run would find every file. */
export function s2LoadProblems(abs: string, p: LoadParamsLike): ParamProblem[] {
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    return [{ param: 'dir', message: `folder "${p.dir}" does not exist in the data root: choose the folder of the GEE export (dir)` }];
  }
  if (!isDir) {
    const parent = dirname(p.dir);
    return [{ param: 'dir', message: `"${p.dir}" is a file, not a folder: choose the folder that holds it${parent && parent !== '.' ? ` ("${parent}")` : ''} (dir)` }];
  }
  const found: ExportPrefix[] = scanExportFolder(abs);
  const where = shown(p.dir);
  if (found.length === 0) {
    return [{ param: 'dir', message: `no Sentinel-2 export files (<PREFIX>_<YEAR>_<BAND>.tif) in ${where}: choose the folder of the GEE export (dir)` }];
  }
  const prefix = found.find((f) => f.prefix === p.prefix);
  if (!prefix) {
    return [{ param: 'prefix', message: `no files with prefix ${p.prefix} in ${where}; prefixes found: ${found.map((f) => f.prefix).join(', ')} (prefix)` }];
  }
  const year = prefix.years.find((y) => y.year === p.year);
  if (!year) {
    return [{ param: 'year', message: `no ${p.year} files for prefix ${p.prefix} in ${where}; years found: ${prefix.years.map((y) => y.year).join(', ')} (year)` }];
  }
  const problems: ParamProblem[] = [];
  const missing = [...new Set(p.bands)].filter((b) => !year.bands.includes(b));
  if (missing.length) {
    problems.push({
      param: 'bands',
      message: `band${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in ${where} for ${p.prefix} ${p.year} (bands found: ${year.bands.join(', ') || 'none'}): remove ${missing.length > 1 ? 'them' : 'it'} from bands`,
    });
  }
  if (p.cloudLayer !== 'none' && !year.cloudLayers.includes(p.cloudLayer)) {
    const others = year.cloudLayers.map((c) => `"${c}"`);
    problems.push({
      param: 'cloudLayer',
      message: `no ${CLOUD_WORDS[p.cloudLayer]} file for ${p.prefix} ${p.year} in ${where}: set cloudLayer to ${[...others, '"none"'].join(' or ')}`,
    });
  }
  // The files found by name: readable GeoTIFFs on one grid with the same dates (headers only).
  if (problems.length === 0) problems.push(...s2LoadHeaderProblems(abs, p));
  return problems;
}
