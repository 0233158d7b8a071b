/**
 * What makes a categorical GeoTIFF carry its meaning: a TIFF ColorMap (tag 320, photometric "palette"), which
 * GDAL reports as the band's "Color Table" and QGIS shows as "Paletted/Unique values" without styling, and the
 * category names, which GDAL keeps in the PAM sidecar `<file>.aux.xml` (GTiff has no tag for them) and lists as
 * "Categories". Colours come from the one palette in `palette.ts`.
 */
import { writeFileAtomicSync } from '../atomicFile.ts';
import { classCategories, hexToRgb, transitionCategories, type Category } from '../../palette.ts';

export interface CategoricalStyle {
  /** TIFF ColorMap values: 256 reds, 256 greens, 256 blues, each 0..65535. */
  colorMap: number[];
  categories: Category[];
}

/** TIFF ColorMap of a uint8 band: unlisted codes black (GDAL shows them as 0,0,0,255). */
export function colorMapOf(categories: readonly Category[]): number[] {
  const map = new Array<number>(768).fill(0);
  for (const c of categories) {
    const [r, g, b] = hexToRgb(c.color);
    map[c.code] = r * 257;
    map[256 + c.code] = g * 257;
    map[512 + c.code] = b * 257;
  }
  return map;
}

export function classMapStyle(classes: readonly string[]): CategoricalStyle {
  const categories = classCategories(classes);
  return { colorMap: colorMapOf(categories), categories };
}

export function transitionStyle(labels: readonly string[], focus?: { from: string; to: string }): CategoricalStyle {
  const categories = transitionCategories(labels, focus);
  return { colorMap: colorMapOf(categories), categories };
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The PAM XML GDAL writes for SetCategoryNames: one <Category> per code from 0 up to the highest named one. */
export function categoriesXml(categories: readonly Category[]): string {
  const top = Math.max(...categories.map((c) => c.code));
  const names = new Array<string>(top + 1).fill('');
  for (const c of categories) names[c.code] = c.name;
  const items = names.map((n) => (n ? `      <Category>${xmlText(n)}</Category>\n` : '      <Category />\n')).join('');
  return `<PAMDataset>\n  <PAMRasterBand band="1">\n    <CategoryNames>\n${items}    </CategoryNames>\n  </PAMRasterBand>\n</PAMDataset>\n`;
}

/** Writes `<tif>.aux.xml` (atomically) beside a categorical GeoTIFF; returns its path. */
export function writeCategoriesSidecar(tif: string, categories: readonly Category[]): string {
  const path = `${tif}.aux.xml`;
  writeFileAtomicSync(path, categoriesXml(categories));
  return path;
}
