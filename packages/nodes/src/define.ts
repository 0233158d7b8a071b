/**
 * A node is declared once: sockets, a zod schema of params, and a pure-ish `run`. The catalogue, the
 * editor's controls (JSON Schema), the docs and the generic tests are all derived from this declaration.
 */
import type { z } from 'zod';
import type { ChunkPool } from './chunkTask.ts';
import type { SocketType, SocketValues } from './values.ts';
import type { NodeCategory, SocketPresentation } from './presentation.ts';

// NodeError lives in errors.ts (below I/O); re-exported so `import { NodeError } from './define.ts'` keeps working.
export { NodeError, type NodeErrorDetails } from './errors.ts';

/** A socket: its type and, for outputs, what it presents (the names it carries, the map layers it offers). */
export interface SocketSpec extends SocketPresentation {
  type: SocketType;
  label?: string;
  description?: string;
}

export type { ChunkPool } from './chunkTask.ts';

export interface NodeContext {
  nodeId: string;
  /** Absolute data root; user-visible paths in params are relative to it. */
  dataRoot: string;
  /** Directory owned by this node run (the cache entry). Write outputs here, atomically (tmp + rename). */
  workDir: string;
  signal: AbortSignal;
  pool: ChunkPool;
  /** Report progress; the engine adds ETA and throttles events. */
  progress(done: number, total: number, unit: string): void;
  /** Resolves a param path against the data root; throws a NodeError if it escapes the root. */
  resolvePath(relative: string, param: string): string;
}

export interface NodeResult<O> {
  outputs: O;
  /** Small JSON shown in the CLI summary, run.json and the editor. */
  summary?: Record<string, unknown>;
  /** Files (absolute, inside workDir) that users get in `<out>/<nodeId>/`. */
  files?: string[];
}

type InputValues<I extends Record<string, SocketSpec>> = { [K in keyof I]: SocketValues[I[K]['type']] };
type OutputValues<O extends Record<string, SocketSpec>> = { [K in keyof O]: SocketValues[O[K]['type']] };

export interface NodeDefinition<
  P extends z.ZodObject = z.ZodObject,
  I extends Record<string, SocketSpec> = Record<string, SocketSpec>,
  O extends Record<string, SocketSpec> = Record<string, SocketSpec>,
> {
  type: string;
  version: number;
  category: NodeCategory;
  label: string;
  description: string;
  inputs: I;
  outputs: O;
  params: P;
  /** Param names holding paths relative to the data root (checked by validation, fingerprinted for the cache). */
  pathParams?: string[];
  /**
   * Migrations of params from older versions: migrations[n] turns version-n params into version n+1.
   */
  migrations?: Record<number, (params: Record<string, unknown>) => Record<string, unknown>>;
  /**
   * Extra content for the cache key, e.g. size + mtime of every file the node will read. Defaults to the
   * size + mtime of each path param (for a folder: of every file in it).
   */
  fingerprint?(params: z.infer<P>, ctx: Pick<NodeContext, 'dataRoot' | 'resolvePath'>): Promise<string>;
  /**
   * Checks of params against the data (files, names, formulas) that validation runs before any run, so that
   * nothing passes `validate` that the run would then reject. Synchronous and cheap: list folders, never read
   * pixels. Called only when the params parse and every path param stays inside the data root and exists.
   */
  check?(params: z.infer<P>, ctx: CheckContext): ParamProblem[];
  run(ctx: NodeContext, inputs: InputValues<I>, params: z.infer<P>): Promise<NodeResult<OutputValues<O>>>;
}

/**
 * What a node's `check` may use: the data root, path resolution, and the params of the nodes upstream of it
 * (nearest first, breadth-first along links), e.g. to know which bands a spectral index can use.
 */
export interface CheckContext extends Pick<NodeContext, 'dataRoot' | 'resolvePath'> {
  upstream: { id: string; type: string; params: Record<string, unknown> }[];
}

/** A problem found by `check`, in a person's words, naming the param (dotted path) it concerns. */
export interface ParamProblem {
  message: string;
  param?: string;
}

export function defineNode<P extends z.ZodObject, I extends Record<string, SocketSpec>, O extends Record<string, SocketSpec>>(
  definition: NodeDefinition<P, I, O>,
): NodeDefinition<P, I, O> {
  return definition;
}

export type AnyNodeDefinition = NodeDefinition<z.ZodObject, Record<string, SocketSpec>, Record<string, SocketSpec>>;
