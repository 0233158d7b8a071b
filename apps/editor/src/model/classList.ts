/**
 * The class list of vector.load as the user edits it (pure): the classes in code order (code = position),
 * starting from the classes the last run found in the polygon files; reorder and rename. Renaming a class that
 * is in the files adds a `names` entry (label → name), so the files stay as they are.
 */
export interface ClassRow {
  code: number;
  /** The label in the polygon files. */
  label: string;
  /** The class name (the label unless renamed). */
  name: string;
}

export interface ClassListParams {
  classes?: string[];
  names?: { label: string; name: string }[];
}

/** Rows in code order: the listed classes, else the found ones; names mapped back to their file labels. */
export function classRows(params: ClassListParams, found: readonly string[] = []): ClassRow[] {
  const labelOf = new Map((params.names ?? []).map((n) => [n.name, n.label]));
  const list = params.classes && params.classes.length ? params.classes : [...found];
  return list.map((name, code) => ({ code, name, label: labelOf.get(name) ?? name }));
}

/** Params after moving row `from` to position `to`. */
export function moveClass(params: ClassListParams, found: readonly string[], from: number, to: number): ClassListParams {
  const rows = classRows(params, found);
  if (to < 0 || to >= rows.length) return params;
  const [r] = rows.splice(from, 1);
  rows.splice(to, 0, r);
  return toParams(params, rows);
}

/** Params after renaming row `code`; an empty name is refused (returns params unchanged). */
export function renameClass(params: ClassListParams, found: readonly string[], code: number, name: string): ClassListParams {
  const rows = classRows(params, found);
  if (!name.trim() || !rows[code] || rows.some((r, i) => i !== code && r.name === name)) return params;
  rows[code] = { ...rows[code], name: name.trim() };
  return toParams(params, rows);
}

function toParams(params: ClassListParams, rows: ClassRow[]): ClassListParams {
  const names = rows.filter((r) => r.name !== r.label).map((r) => ({ label: r.label, name: r.name }));
  return { ...params, classes: rows.map((r) => r.name), names: names.length ? names : undefined };
}
