/** Class names of a class GeoTIFF from GDAL's .aux.xml category names or its band description. */
import { UNCERTAIN_CODE } from '../values.ts';

/** Category names GDAL keeps beside a GeoTIFF (`<CategoryNames><Category>…</Category>`), in code order. */
export function categoryNamesFromAux(xml: string): string[] {
  const block = /<CategoryNames>([\s\S]*?)<\/CategoryNames>/.exec(xml)?.[1];
  if (!block) return [];
  const names = [...block.matchAll(/<Category>([\s\S]*?)<\/Category>|<Category\s*\/>/g)].map((m) => (m[1] ?? '').trim());
  const classes = names.slice(0, UNCERTAIN_CODE);
  while (classes.length > 0 && classes[classes.length - 1] === '') classes.pop();
  return classes;
}

/** Class names from a band description listing codes, e.g. "class (0=water, 1=forest, 2=asgm)". */
export function classesFromDescription(text: string): string[] {
  const found = new Map<number, string>();
  for (const token of text.split(/[,;()]/)) {
    const m = /^\s*(?:.*[:\s])?(\d+)\s*(?:=|:|\s)\s*([A-Za-z][\w\- ]*?)\s*$/.exec(token);
    if (m && Number(m[1]) < UNCERTAIN_CODE) found.set(Number(m[1]), m[2]);
  }
  const out: string[] = [];
  for (let k = 0; found.has(k); k++) out.push(found.get(k)!);
  return out.length === found.size ? out : [];
}
