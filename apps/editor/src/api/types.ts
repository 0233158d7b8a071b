/** Shapes of the runner's HTTP/WS API as the editor sees them: all from @sentiflow/protocol, under the editor's names. */
import type { NodeTypeJson, RunNodeInfo, SocketJson } from '@sentiflow/protocol';

export type {
  ExampleInfo,
  FileEntry,
  Graph,
  GraphLink,
  GraphNode,
  JsonSchema,
  ParamMeta,
  NodeReport,
  NodeStatus,
  Problem,
  RunEvent,
  RunInfo,
  RunReport,
} from '@sentiflow/protocol';
export type CatalogEntry = NodeTypeJson;
export type SocketInfo = SocketJson;
export type RunNodeState = RunNodeInfo;
