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
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** "node <id>, param <path>: message" (the param prefix is not repeated if the message starts with it). */
export function formatProblem(p: { code: string; message: string; nodeId?: string; param?: string; link?: number }): string {
  const where: string[] = [];
  if (p.nodeId !== undefined) where.push(`node ${p.nodeId}`);
  if (p.param) where.push(`param ${p.param}`);
  if (p.link !== undefined && p.nodeId === undefined) where.push(`link ${p.link}`);
  let message = p.message;
  if (p.param && message.startsWith(`${p.param}: `)) message = message.slice(p.param.length + 2);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}
