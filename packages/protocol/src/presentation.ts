/**
 * How nodes present themselves, declared in each node's file and read by the editor, the server's previews and
 * the docs: a param's unit and widget (zod `.meta()`, carried into the catalogue's JSON Schema by
 * `z.toJSONSchema`), and the names and map layers an output socket offers. Nothing here is guessed from names
 * or prose; consumers that need to know something about a node read it from these declarations.
 */

/** The control a param gets in the editor when its JSON Schema type alone does not say. */
export type ParamWidget =
  /** band math over the names upstream (see `names`) */
  | 'expression'
  /** a new variable name: letters, digits and _, starting with a letter, not one of the names upstream */
  | 'identifier'
  /** a path relative to the data root: a folder, a file, or either */
  | 'folder'
  | 'file'
  | 'path'
  /** class names in code order, with the class colours (and the names found by the last run) */
  | 'classList'
  /** a choice of bands */
  | 'bandList'
  /** an area of interest: a polygon file or GeoJSON drawn on the map */
  | 'aoi';

/** Where the names an expression may use (or an identifier must avoid) come from. */
export type NamesSource =
  /** the names declared by the nearest upstream output that declares `names` (see SocketPresentation) */
  'upstream';

/**
 * Presentation of one param, written as zod `.meta({...})` on the param's schema. `unit` is required on every
 * numeric param (the catalogue test checks it); for an array of numbers it is the unit of its items.
 */
export interface ParamMeta {
  /** Unit shown next to the value, e.g. '%', 'px', 'DN', 'reflectance', 'fraction', 'km²', 'count', 'year'. */
  unit?: string;
  widget?: ParamWidget;
  /** expression / identifier widgets: which names the formula may use, or the name must avoid. */
  names?: NamesSource;
  /**
   * Show the param only while each listed sibling param has one of the listed values (its default when unset),
   * e.g. `{ method: ['probability'] }`. A param that has a value set is always shown, so nothing set is hidden.
   */
  showWhen?: Record<string, readonly (string | number | boolean)[]>;
}

/** A map layer a socket value offers (declared on the node's output; the server draws it, the editor lists it). */
export type PreviewSpec =
  /** Composite: a natural-colour image from three bands, as features `<band>_<statistic>` (mean preferred) */
  | { kind: 'rgb'; label: string; bands: readonly [string, string, string] }
  /** ClassMap: class codes coloured with the class palette */
  | { kind: 'classes' }
  /** ClassMap: the probability of each class (when the map has a probability file) */
  | { kind: 'probability' }
  /** Change: the transitions, the change of interest (the value's `focus`) highlighted */
  | { kind: 'transitions' }
  /** Change: the probability difference of each class */
  | { kind: 'diff' }
  /**
   * Composite: per labelled point, the normalised difference (a − b) / (a + b) of two bands over the dates of the
   * time series upstream, e.g. NDVI from B8 and B4 (the label view's time series).
   */
  | { kind: 'pointSeries'; label: string; normalizedDifference: readonly [string, string] };

/** Presentation of an output socket (part of a node's socket declaration and of the catalogue JSON). */
export interface SocketPresentation {
  /** The names this output carries (e.g. loaded bands) are the node's param `param` (its default when unset). */
  names?: { param: string };
  /** Map layers the value offers, in the order the editor lists them. */
  preview?: readonly PreviewSpec[];
}

/** Node categories in workflow order (the palette's order), each with the colour of its nodes' header. */
export const NODE_CATEGORIES = [
  { name: 'Input', color: '#4f9cf9' },
  { name: 'Raster', color: '#2ec4b6' },
  { name: 'Vector', color: '#f4a261' },
  { name: 'Samples', color: '#e9c46a' },
  { name: 'Model', color: '#b388ff' },
  { name: 'Change', color: '#ff6b6b' },
  { name: 'Validation', color: '#9aa4b2' },
  { name: 'Output', color: '#9aa4b2' },
] as const;

export type NodeCategory = (typeof NODE_CATEGORIES)[number]['name'];

/** Colour of each socket type on the canvas and in the palette (a link joins sockets of one colour). */
export const SOCKET_COLORS: Readonly<Record<string, string>> = {
  TimeSeries: '#4f9cf9',
  Composite: '#2ec4b6',
  Polygons: '#f4a261',
  Samples: '#e9c46a',
  Model: '#b388ff',
  Metrics: '#ef6f9b',
  ClassMap: '#7bd389',
  Change: '#ff6b6b',
  Points: '#ffd166',
};
