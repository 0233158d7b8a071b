/**
 * The one catalogue of error codes that travels from the runner to the editor: validation problems (a graph
 * that cannot run), run-time failures (`NodeError` details.code, `node.failed` details.code) and HTTP answers
 * (`{ error: { code, message } }`). Each has short plain words (what the editor shows beside the server's own
 * sentence) and a message template whose `{name}` slots are filled by `formatError`.
 */

export type ErrorKind = 'validation' | 'runtime' | 'http';

export interface ErrorCodeInfo {
  kind: ErrorKind;
  /** A few words a person understands, e.g. "not found". */
  words: string;
  /** A sentence with `{name}` slots, saying what went wrong and, where it helps, what to do. */
  template: string;
  /** HTTP status the server answers with (http codes only). */
  status?: number;
}

const v = (words: string, template: string) => ({ kind: 'validation' as const, words, template });
const r = (words: string, template: string) => ({ kind: 'runtime' as const, words, template });
const h = (status: number, words: string, template: string) => ({ kind: 'http' as const, status, words, template });

export const ERROR_CODES = {
  // Validation: what `sentiflow validate`, POST /api/validate and the editor's problem list report.
  'graph-schema': v('not a Sentiflow graph', 'the file is not valid JSON or not a sentiflow/graph@1 document: {detail}'),
  'duplicate-id': v('two nodes share an id', 'two nodes share the id "{nodeId}"; give each node its own id'),
  'reserved-id': v('a reserved node id', 'node id "{nodeId}" is a reserved name such as __proto__ or constructor; rename the node'),
  'unknown-type': v('unknown node type', 'node {nodeId}: the node type "{type}" is not in the catalogue'),
  'unknown-version': v(
    'unknown node version',
    'node {nodeId}: version {version} of {type} is newer than the catalogue or cannot be migrated',
  ),
  'param-invalid': v('a setting is not valid', 'node {nodeId}, param {param}: {detail}'),
  'param-too-deep': v('a setting is nested too deeply', 'node {nodeId}, param {param}: the value is nested too deeply (or too large) to check'),
  'param-unknown': v('an unknown setting', 'node {nodeId} has no parameter {param} (a typo or an old name)'),
  'param-check': v(
    'a setting does not fit the data',
    'node {nodeId}, param {param}: {detail} (a year or prefix with no files, a file chosen as a folder, a bad index name or formula)',
  ),
  'input-missing': v('an input is not connected', 'node {nodeId}: connect its input "{input}"'),
  'input-duplicate': v('an input has two links', 'node {nodeId}: input "{input}" has more than one link; keep one'),
  'link-dangling': v('a link leads nowhere', 'link {link} names an unknown node or socket'),
  'link-type': v('the sockets do not fit', 'link {link} joins sockets of different types ({from} → {to})'),
  cycle: v('the graph has a loop', 'the graph has a cycle through {nodeId}; links must not lead back'),
  'path-outside-root': v(
    'the path leads outside the data root',
    'param {param}: "{path}" is absolute or leaves the data root; use a path inside it',
  ),
  'file-missing': v('the file does not exist', 'param {param}: "{path}" does not exist under the data root'),
  'unknown-node': v('no such node', 'the graph has no node "{nodeId}"'),

  // Run time: NodeError details.code and node.failed details.code.
  cancelled: r('cancelled', 'the run was cancelled'),
  'empty-class': r('a class has no samples', 'class {class} has no samples; draw polygons for it or lower the split fraction'),
  'empty-samples': r('no samples', 'the {input} samples are empty (0 rows)'),
  'feature-mismatch': r('the features differ', 'the model was trained on other features than the {input} has'),
  'class-mismatch': r('the classes differ', 'the model and the samples have different classes'),
  grid: r('the maps are on different grids', 'the two maps are on different grids; classify both on the same grid'),
  classes: r('the classes differ', 'the two maps have different classes; use the same classes in the same order'),
  'worker-crashed': r('a worker thread crashed', 'a worker thread crashed while running chunk task "{task}"'),
  ENOENT: r('a file is missing', 'the file {file} does not exist'),
  'cache-entry-invalid': r('a cached result was damaged', 'the cached result of {nodeId} was cut or edited; it is computed again'),
  'stac-http': r('the catalogue did not answer', 'the STAC catalogue or a COG server answered {status}: {detail}'),
  'stac-no-range': r('the server cannot send parts of files', '{url} does not support HTTP range requests; use a catalogue whose assets can be read in parts'),
  'empty-map': r('nothing to sample', 'the map has no classified pixel to sample'),
  'map-changed': r('the map changed', 'the class map changed while it was sampled; run again'),
  'point-outside-map': r('a point lies outside the map', 'point {point} lies outside the map'),
  'headers-too-large': r('the request head was too large', 'request headers are larger than {limit}'),

  // HTTP: the server's JSON answers `{ error: { code, message } }`.
  'not-found': h(404, 'not found', '"{path}" does not exist'),
  'unknown-run': h(404, 'no such run', 'unknown run "{runId}"'),
  'not-ready': h(409, 'not ready yet', 'node "{nodeId}" has no outputs yet (status {status})'),
  'bad-request': h(400, 'the request was not understood', '{detail}'),
  'bad-json': h(400, 'the request was not valid JSON', 'request body is not valid JSON: {detail}'),
  'body-too-large': h(413, 'the request was too large', 'request body is larger than the limit of {limit} bytes'),
  'bad-path': h(400, 'the path is not allowed', '"{path}" must be relative to the data root and stay inside it'),
  'not-a-file': h(400, 'not a file', '"{path}" is not a file'),
  'not-a-directory': h(400, 'not a folder', '"{path}" is not a directory'),
  'run-refused': h(400, 'the run was refused', '{detail}'),
  'no-map': h(400, 'this node has no map', 'this node has no map output (Composite, ClassMap or Change)'),
  'bad-layer': h(400, 'no such map layer', 'unknown layer "{layer}"; this node offers: {layers}'),
  'bad-raster': h(500, 'the raster could not be read', '{file} has {bands} bands, expected band {band}'),
  unauthorized: h(401, 'not signed in', 'sign in first'),
  forbidden: h(403, 'not allowed', '{detail}'),
  internal: h(500, 'the runner failed', 'the runner failed: {detail}'),
  'no-class-map': h(400, 'no class map to compare', 'run {runId} has no class map at node {nodeId}'),
  'grid-mismatch': h(400, 'the maps are on different grids', 'the two class maps are on different grids; compare maps of the same area'),
  'no-table': h(400, 'no such table', 'this node has no table "{table}"'),
  'no-points': h(404, 'no sample points', 'node {nodeId} of run {runId} has no sample points'),
  'unknown-point': h(404, 'no such point', 'the sample has no point "{point}"'),
  'bad-field': h(400, 'no such label field', '"{field}" is not a reference field of these points'),
  'bad-class': h(400, 'not a class of the map', '"{label}" is not a class of the map; use one of {classes}'),
  'no-imagery': h(404, 'no imagery for the chips', 'the run has no natural-colour composite to show around the points'),
  outside: h(400, 'outside the map', 'pixel {x}, {y} is outside the map'),
  'previews-busy': h(503, 'too many previews at once', 'the runner is drawing many maps; try again in a moment'),
  'preview-failed': h(500, 'the map could not be drawn', 'the map could not be drawn: {detail}'),
  'no-graph': h(409, 'the run has no saved graph', 'run {runId} has no saved graph.json (it ran before graphs were saved)'),
  'too-many-runs': h(429, 'too many runs at once', 'at most {limit} runs at once; wait for one to finish or cancel one'),
  'no-basemap': h(404, 'no basemap is configured', 'no basemap is configured (start the server with --basemap URL)'),
  'basemap-unreachable': h(502, 'the basemap cannot be fetched', 'the basemap tiles from {host} cannot be fetched ({detail}): is this machine offline?'),
  'stac-estimate': h(400, 'the download could not be estimated', 'the search for the download estimate failed: {detail}'),
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ValidationCode = { [K in ErrorCode]: (typeof ERROR_CODES)[K]['kind'] extends 'validation' ? K : never }[ErrorCode];
export type HttpErrorCode = { [K in ErrorCode]: (typeof ERROR_CODES)[K]['kind'] extends 'http' ? K : never }[ErrorCode];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

export function errorInfo(code: string | undefined): ErrorCodeInfo | undefined {
  return isErrorCode(code) ? ERROR_CODES[code] : undefined;
}

/** The code in plain words ("not found"); an unknown code gives `fallback`. */
export function errorWords(code: string | undefined, fallback = 'error'): string {
  return errorInfo(code)?.words ?? fallback;
}

/** The code's template with its `{name}` slots filled from `vars` (a missing one stays visible as `{name}`). */
export function formatError(code: ErrorCode, vars: Record<string, unknown> = {}): string {
  return ERROR_CODES[code].template.replace(/\{(\w+)\}/g, (slot, name: string) => (vars[name] === undefined ? slot : String(vars[name])));
}
