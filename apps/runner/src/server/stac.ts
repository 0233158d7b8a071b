/**
 * POST /api/stac/estimate {params}: what an s2.loadStac node would download, from one STAC search (no COG is
 * read): AOI area, grid, items, dates, tiles, estimated bytes. The editor shows it before a run.
 */
import { Router } from 'express';
import { z } from 'zod';
import { estimateStac } from '@sentiflow/nodes/nodes/s2LoadStac.ts';
import { resolveDataPath } from '../engine/paths.ts';
import { HttpError } from './errors.ts';

const body = z.object({ params: z.record(z.string(), z.unknown()) });

export function stacRouter(dataRoot: string): Router {
  const router = Router();
  router.post('/api/stac/estimate', async (req, res) => {
    const { params } = body.parse(req.body);
    const controller = new AbortController();
    // the client went away before the answer (req's own 'close' fires as soon as the body is read)
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const estimate = await estimateStac(params, { dataRoot, signal: controller.signal, resolvePath: (rel, param) => resolveDataPath(dataRoot, rel, param) });
      res.json(estimate);
    } catch (err) {
      const e = err as Error & { details?: { param?: string } };
      if (e.name === 'NodeError') throw new HttpError(400, 'stac-estimate', `${e.details?.param ? `${e.details.param}: ` : ''}${e.message}`);
      throw err;
    }
  });
  return router;
}
