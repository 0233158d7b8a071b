/** @sentiflow/protocol: what the runner and the editor say to each other. No Node imports. */
export * from './graph.ts';
export * from './events.ts';
export * from './runFold.ts';
export * from './catalog.ts';
export * from './errors.ts';
export * from './api.ts';
export * from './classCodes.ts';
export * from './palette.ts';
export * from './runFacts.ts';
export * from './presentation.ts';
export * from './previewLayers.ts';
