/**
 * A node's outputs in a run together with what the node's definition declares they present (the names they
 * carry, the map layers they offer): previews, the label view and the report read presentation from here and
 * know no band or class name themselves.
 */
import type { AnyNodeDefinition, SocketSpec } from '@sentiflow/nodes/define.ts';
import type { RunEntry } from './runs.ts';

export interface DeclaredOutput {
  socket: string;
  value: unknown;
  /** The output's declaration; undefined when the run's graph or the node type is unknown. */
  spec?: SocketSpec;
}

export function definitionOf(entry: RunEntry, nodeId: string, catalog: readonly AnyNodeDefinition[]): AnyNodeDefinition | undefined {
  const type = entry.graph?.nodes.find((n) => n.id === nodeId)?.type;
  return type === undefined ? undefined : catalog.find((d) => d.type === type);
}

export function declaredOutputs(entry: RunEntry, nodeId: string, catalog: readonly AnyNodeDefinition[]): DeclaredOutput[] {
  const def = definitionOf(entry, nodeId, catalog);
  return Object.entries(entry.nodes[nodeId]?.outputs ?? {}).map(([socket, value]) => ({ socket, value, spec: def?.outputs[socket] }));
}
