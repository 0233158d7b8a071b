/**
 * A node is declared once: sockets, a zod schema of params, and a pure-ish `run`. The catalogue, the
 * editor's controls (JSON Schema), the docs and the generic tests are all derived from this declaration.
 */
import type { z } from 'zod';
import type { SocketType, SocketValues } from './values.ts';

export interface SocketSpec {
  type: SocketType;
  label?: string;
  description?: string;
}

/** Runs chunk tasks on worker threads. Task names are keys of `chunkTasks` in tasks.ts. */
export interface ChunkPool {
  readonly size: number;
  /** Queued tasks start lowest `priority` first (then in order of submission); default 0. */
  run<T = unknown>(task: string, payload: unknown, signal?: AbortSignal, priority?: number): Promise<T>;
}

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
  category: 'Input' | 'Raster' | 'Vector' | 'Samples' | 'Model' | 'Output' | 'Change' | 'Validation';
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
  run(ctx: NodeContext, inputs: InputValues<I>, params: z.infer<P>): Promise<NodeResult<OutputValues<O>>>;
}

export function defineNode<P extends z.ZodObject, I extends Record<string, SocketSpec>, O extends Record<string, SocketSpec>>(
  definition: NodeDefinition<P, I, O>,
): NodeDefinition<P, I, O> {
  return definition;
}

/** An error a node raises for bad input; `param` names the offending parameter when there is one. */
export class NodeError extends Error {
  constructor(
    message: string,
    readonly details: { param?: string; file?: string; code?: string } = {},
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

export type AnyNodeDefinition = NodeDefinition<z.ZodObject, Record<string, SocketSpec>, Record<string, SocketSpec>>;
