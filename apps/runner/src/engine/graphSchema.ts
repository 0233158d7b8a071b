/** zod schema of the shared graph file format `sentiflow/graph@1`: defined in @sentiflow/protocol. */
export { GRAPH_SCHEMA_ID, isReservedName, graphLinkSchema, graphNodeSchema, graphSchema, type GraphInput } from '@sentiflow/protocol';
