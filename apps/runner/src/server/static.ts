/** Serves the built editor (SPA: unknown paths get index.html), or a hint page when it is not built. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>Sentiflow</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>Sentiflow runner is up</h1>
<p>The editor is not built yet. Build it with</p><pre>npm run build -w apps/editor</pre>
<p>and reload this page. The API is at <a href="api/health">/api/health</a>.</p></body></html>`;

export function staticRouter(editorDist: string): Router {
  const router = Router();
  const index = path.join(editorDist, 'index.html');
  router.use(express.static(editorDist, { index: false, fallthrough: true }));
  router.get('/{*rest}', (_req, res) => {
    if (existsSync(index)) return res.sendFile(index);
    res.status(200).type('html').send(NOT_BUILT);
  });
  return router;
}
