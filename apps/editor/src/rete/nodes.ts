/** Rete node/connection classes built from catalogue entries. The only place that knows Rete's node model. */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { CatalogEntry, GraphNode } from '../api/types.ts';

const sockets = new Map<string, ClassicPreset.Socket>();
/** One shared Socket per socket type; its name is the type (used for colour and compatibility). */
export function socketOf(type: string): ClassicPreset.Socket {
  if (!sockets.has(type)) sockets.set(type, new ClassicPreset.Socket(type));
  return sockets.get(type)!;
}

export const NODE_WIDTH = 230;

export class SfNode extends ClassicPreset.Node {
  width = NODE_WIDTH;
  height = 120;
  constructor(
    id: string,
    readonly nodeType: string,
    public version: number,
    public params: Record<string, unknown>,
    public title: string,
    public entry: CatalogEntry | null,
  ) {
    super(title);
    this.id = id;
  }
}

/** Typed against the base Node so that Rete's classic presets accept the scheme. */
export class SfConnection extends ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node> {
  socketType?: string;
}

export type Schemes = GetSchemes<SfNode, SfConnection>;

/** Builds a Rete node for a graph node. Unknown types get sockets inferred from the links that use them. */
export function buildNode(n: GraphNode, entry: CatalogEntry | undefined, linkSockets?: { inputs: string[]; outputs: string[] }): SfNode {
  const node = new SfNode(n.id, n.type, n.version, structuredClone(n.params ?? {}), n.label ?? entry?.label ?? n.type, entry ?? null);
  if (entry) {
    for (const [key, s] of Object.entries(entry.inputs)) node.addInput(key, new ClassicPreset.Input(socketOf(s.type), s.label ?? key, false));
    for (const [key, s] of Object.entries(entry.outputs)) node.addOutput(key, new ClassicPreset.Output(socketOf(s.type), s.label ?? key, true));
  } else if (linkSockets) {
    for (const key of linkSockets.inputs) node.addInput(key, new ClassicPreset.Input(socketOf('?'), key, false));
    for (const key of linkSockets.outputs) node.addOutput(key, new ClassicPreset.Output(socketOf('?'), key, true));
  }
  const rows = Math.max(Object.keys(node.inputs).length + Object.keys(node.outputs).length, 1);
  node.height = 56 + rows * 30 + 34;
  return node;
}
