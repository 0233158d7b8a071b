/**
 * vector.load's class list from the polygons read and the params (names, classes), shared by the run and by
 * validation so both reject the same lists in the same words: a label renamed that no polygon has, a class listed
 * twice, a polygon of a class not listed, a listed class with no polygon.
 */
import { NodeError } from '../define.ts';
import type { VectorData } from '../io/vector.ts';

export interface ClassParamsLike {
  path: string;
  classes?: string[];
  names?: { label: string; name: string }[];
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** The default class order: numbers numerically (2 before 10), otherwise by name. */
export function defaultClassOrder(found: string[]): string[] {
  return found.every(isNumeric) ? [...found].sort((a, b) => Number(a) - Number(b)) : [...found].sort();
}

/** Renames the features' classes in place (params.names) and returns the class list and the classes found. */
export function resolveClasses(data: VectorData, p: ClassParamsLike, file: string): { classes: string[]; found: string[] } {
  // The default order is that of the labels as found (numbers numerically), before any renaming.
  const rawOrder = defaultClassOrder([...new Set(data.features.map((f) => f.className))]);
  const rename = p.names ? Object.fromEntries(p.names.map((n) => [n.label, n.name])) : undefined;
  if (rename) {
    const labels = new Set(data.features.map((f) => f.className));
    const unused = Object.keys(rename).filter((k) => !labels.has(k));
    if (unused.length) {
      throw new NodeError(`names: no polygon has the label ${unused.map((u) => `"${u}"`).join(', ')} (labels found: ${[...labels].join(', ')}). Fix or remove the entry.`, { param: 'names', file });
    }
    for (const f of data.features) f.className = rename[f.className] ?? f.className;
  }
  const found = [...new Set(rawOrder.map((c) => rename?.[c] ?? c))];
  if (!p.classes || p.classes.length === 0) return { classes: found, found };
  const dup = p.classes.find((c, i) => p.classes!.indexOf(c) !== i);
  if (dup) throw new NodeError(`class "${dup}" is listed twice in classes: remove one`, { param: 'classes' });
  const unknown = found.filter((c) => !p.classes!.includes(c));
  if (unknown.length) {
    const where = data.features.find((f) => f.className === unknown[0]);
    throw new NodeError(
      `class "${unknown[0]}" (polygon ${where?.id}) is not in the classes list [${p.classes.join(', ')}]` +
        (unknown.length > 1 ? `; other unlisted classes: ${unknown.slice(1).join(', ')}` : '') +
        '. Add it to classes or fix the label.',
      { param: 'classes', file },
    );
  }
  const absent = p.classes.filter((c) => !found.includes(c));
  if (absent.length) {
    throw new NodeError(
      `class${absent.length > 1 ? 'es' : ''} ${absent.map((c) => `"${c}"`).join(', ')} in the classes list ha${absent.length > 1 ? 've' : 's'} no polygon in ${p.path} ` +
        `(classes found: ${found.join(', ')}). Remove ${absent.length > 1 ? 'them' : 'it'} from classes or fix the spelling.`,
      { param: 'classes', file },
    );
  }
  return { classes: [...p.classes], found };
}
