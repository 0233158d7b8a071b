// Builds the offline STAC catalogue from the Flanders fixture once per test process (build_catalog.py, GDAL).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianPython, noNumpyGdal, noSharedData, python, repoRoot, sharedData, tempDir } from '../helpers.ts';

export const FIXTURE = 'worldcereal-flanders-31ues';
export const noCatalogue = noSharedData || noNumpyGdal || (existsSync(debianPython) ? false : 'no /usr/bin/python3');

let built: string | undefined;

export interface CatalogueInfo {
  root: string;
  cases: Record<string, string>;
  grid: { width: number; height: number; geoTransform: number[]; epsg: number };
}

export function buildCatalogue(): CatalogueInfo {
  if (!built) {
    const root = tempDir('stac-catalogue');
    python(join(repoRoot, 'test/stac/build_catalog.py'), [join(sharedData, FIXTURE), root]);
    built = root;
  }
  const meta = JSON.parse(readFileSync(join(built, 'items.json'), 'utf8'));
  return { root: built, cases: meta.cases, grid: meta.grid };
}
