/** Validation problem codes (stable identifiers used by the CLI, the server and the editor). */
export const PROBLEM_CODES = {
  'graph-schema': 'the file is not valid JSON or not a sentiflow/graph@1 document',
  'duplicate-id': 'two nodes share an id',
  'reserved-id': 'a node id is a reserved name such as __proto__ or constructor',
  'unknown-type': 'the node type is not in the catalogue',
  'unknown-version': 'the node version is newer than the catalogue or cannot be migrated',
  'param-invalid': 'a param fails its schema',
  'param-too-deep': 'a param value is nested too deeply (or too large) to check',
  'param-unknown': 'a param the node does not have (a typo or an old name)',
  'input-missing': 'an input socket is not connected',
  'input-duplicate': 'an input socket has more than one link',
  'link-dangling': 'a link names an unknown node or socket',
  'link-type': 'a link joins sockets of different types',
  cycle: 'the graph has a cycle',
  'path-outside-root': 'a path param is absolute or leaves the data root',
  'file-missing': 'a path param names a file or folder that does not exist',
  'param-check': "a param does not fit the data: a year or prefix with no files, a file chosen as a folder, a bad index name or formula",
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/**
 * "Load Sentinel-2 (load19): choose a folder (dir)" when the problem knows the node's label, else
 * "node <id>, param <path>: message". The param is not repeated when the message already names it.
 */
export function formatProblem(p: { code: string; message: string; nodeId?: string; nodeLabel?: string; param?: string; link?: number }): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(p.nodeLabel ? `${p.nodeLabel} (${p.nodeId})` : `node ${p.nodeId}`);
  let message = p.message;
  if (p.param && message.startsWith(`${p.param}: `)) message = message.slice(p.param.length + 2);
  const named = p.param !== undefined && (message.includes(`(${p.param})`) || message.includes(p.param.split('.')[0]));
  if (p.param && !named) where.push(`param ${p.param}`);
  if (p.link !== undefined && p.nodeId === undefined) where.push(`link ${p.link}`);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}
