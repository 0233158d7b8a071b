export * from './define.ts';
export * from './values.ts';
export * from './grid.ts';
export { nodeCatalog, findNode } from './catalog.ts';
