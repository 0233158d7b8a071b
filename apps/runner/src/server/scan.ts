/**
 * GET /api/scan?path=<folder> → the GEE export files in a data-root folder: prefixes, years, bands and cloud
 * layers from names `<PREFIX>_<YEAR>_<BAND>.tif`, so the editor can offer them instead of asking to type them.
 */
import { stat } from 'node:fs/promises';
import { Router } from 'express';
import { z } from 'zod';
import { scanExportFolder } from '@sentiflow/nodes/io/exportScan.ts';
import { HttpError } from './errors.ts';
import { checkRelativePath, resolveInside } from './files.ts';

const query = z.object({ path: z.string().max(1000).default('') });

export function scanRouter(dataRoot: string): Router {
  const router = Router();
  router.get('/api/scan', async (req, res) => {
    const parsed = query.safeParse(req.query);
    if (!parsed.success) throw new HttpError(400, 'bad-request', 'path must be a single folder path relative to the data root');
    const rel = parsed.data.path;
    const dir = await resolveInside(dataRoot, rel);
    if (!(await stat(dir)).isDirectory()) throw new HttpError(400, 'not-a-directory', `"${rel}" is a file, not a folder: choose the folder that holds it`);
    res.json({ path: checkRelativePath(rel).join('/'), prefixes: scanExportFolder(dir) });
  });
  return router;
}
