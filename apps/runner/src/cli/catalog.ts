/** Loads the node catalogue (SENTIFLOW_CATALOG_MODULE may name another module exporting `nodeCatalog`, for tests). */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';

export async function loadCatalog(): Promise<AnyNodeDefinition[]> {
  const override = process.env.SENTIFLOW_CATALOG_MODULE;
  const mod = (override
    ? await import(pathToFileURL(path.resolve(override)).href)
    : await import('@sentiflow/nodes/catalog.ts')) as { nodeCatalog: AnyNodeDefinition[] };
  return mod.nodeCatalog;
}
