/** Node version migrations: an older node is migrated step by step with `definition.migrations[n]`. */
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import type { GraphNode, Problem } from './types.ts';

export type MigrateResult = { node: GraphNode; problem?: undefined } | { node?: undefined; problem: Problem };

export function migrateNode(node: GraphNode, def: AnyNodeDefinition): MigrateResult {
  if (node.version === def.version) return { node };
  if (node.version > def.version) {
    return {
      problem: {
        code: 'unknown-version',
        nodeId: node.id,
        message: `${node.type} version ${node.version} is newer than this runner knows (latest ${def.version}); update Sentiflow`,
      },
    };
  }
  let params: Record<string, unknown> = { ...node.params };
  for (let v = node.version; v < def.version; v++) {
    const step = def.migrations?.[v];
    if (!step) {
      return {
        problem: {
          code: 'unknown-version',
          nodeId: node.id,
          message: `${node.type} version ${node.version} cannot be migrated to version ${def.version} (no migration from version ${v})`,
        },
      };
    }
    try {
      params = step(params);
    } catch (err) {
      return {
        problem: {
          code: 'unknown-version',
          nodeId: node.id,
          message: `migrating ${node.type} from version ${v} to ${v + 1} failed: ${(err as Error).message}`,
        },
      };
    }
  }
  return { node: { ...node, version: def.version, params } };
}
