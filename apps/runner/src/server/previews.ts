/**
 * Map previews of node outputs: GET /api/runs/:id/nodes/:nodeId/preview.png?layer=…&maxSize=… and the
 * matching /legend. The layers are those the node declares on its outputs (`preview`, see PreviewSpec):
 * rgb[:statistic] (Composite, from the declared bands), classes and probability:<class> (ClassMap),
 * transitions and diff:<class> (Change).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AnyNodeDefinition } from '@sentiflow/nodes/define.ts';
import type { ClassMap, Change, Composite } from '@sentiflow/nodes/values.ts';
import { bandFeatures, offeredLayers, rgbSpecOf, type PreviewSpec, type PreviewValue } from '@sentiflow/protocol';
import type { ServerDeps } from './deps.ts';
import { HttpError } from './errors.ts';
import { DIVERGING_RAMP, PROBABILITY_RAMP, TRANSITION_COLORS, UNCERTAIN_COLOR, classColor } from './palette.ts';
import { createPreviewRenderer, type PreviewRenderer } from './previewRenderer.ts';
import type { Layer } from './previewTasks.ts';
import { declaredOutputs, type DeclaredOutput } from './declaredOutputs.ts';
import type { RunRegistry } from './runs.ts';

const querySchema = z.object({
  layer: z.string().max(200).optional(),
  maxSize: z.coerce.number().int().min(16).max(4096).default(1024),
});

export interface LegendEntry {
  label: string;
  color: string;
}

function outputsOf(registry: RunRegistry, catalog: readonly AnyNodeDefinition[], runId: string, nodeId: string): DeclaredOutput[] {
  const entry = registry.get(runId);
  if (!entry) throw new HttpError(404, 'unknown-run', `unknown run "${runId}"`);
  const node = entry.nodes[nodeId];
  if (!node) throw new HttpError(404, 'unknown-node', `run "${runId}" has no node "${nodeId}"`);
  if (!node.outputs) throw new HttpError(409, 'not-ready', `node "${nodeId}" has no outputs yet (status ${node.status})`);
  return declaredOutputs(entry, nodeId, catalog);
}

/** Every layer a node's outputs offer, in the order the editor should show them. */
export function availableLayers(outputs: DeclaredOutput[]): string[] {
  return outputs.flatMap((o) => (o.value && typeof o.value === 'object' ? offeredLayers(o.spec?.preview, o.value as PreviewValue).map((l) => l.layer) : []));
}

function resolveLayer(outputs: DeclaredOutput[], requested: string | undefined): Layer {
  const offered = availableLayers(outputs);
  const name = requested ?? offered[0];
  if (!name) throw new HttpError(400, 'no-map', 'this node has no map output (a Composite, ClassMap or Change that declares map layers)');
  const [kind, ...rest] = name.split(':');
  const arg = rest.join(':');
  const need = <T>(k: PreviewSpec['kind']): { value: T; preview: readonly PreviewSpec[] } => {
    const o = outputs.find((d) => d.spec?.preview?.some((p) => p.kind === k));
    if (!o) throw new HttpError(400, 'bad-layer', `layer "${name}" is not offered by this node; it offers: ${offered.join(', ') || 'none'}`);
    return { value: o.value as T, preview: o.spec!.preview! };
  };
  switch (kind) {
    case 'rgb': {
      const { value, preview } = need<Composite>('rgb');
      const spec = rgbSpecOf(preview)!;
      const features = bandFeatures(value.features, spec.bands, arg || undefined);
      if (!features) throw new HttpError(400, 'bad-layer', `layer "${name}" needs features ${spec.bands.map((b) => `${b}_*`).join(', ')} of one statistic; the composite has ${value.features.join(', ')}`);
      return { kind, value, features: features as [string, string, string] };
    }
    case 'classes':
      return { kind, value: need<ClassMap>('classes').value };
    case 'probability': {
      const { value } = need<ClassMap>('probability');
      if (!value.classes.includes(arg)) throw new HttpError(400, 'bad-layer', `unknown class "${arg}"; classes: ${value.classes.join(', ')}`);
      return { kind, value, className: arg };
    }
    case 'transitions':
      return { kind, value: need<Change>('transitions').value };
    case 'diff': {
      const { value } = need<Change>('diff');
      if (!value.probabilityDiffFiles?.[arg]) throw new HttpError(400, 'bad-layer', `no probability difference for class "${arg}"; classes: ${Object.keys(value.probabilityDiffFiles ?? {}).join(', ')}`);
      return { kind, value, className: arg };
    }
    default:
      throw new HttpError(400, 'bad-layer', `unknown layer "${name}"; this node offers: ${offered.join(', ') || 'none'}`);
  }
}

export function legendOf(layer: Layer): LegendEntry[] {
  const ramp = (stops: readonly string[], labels: string[]): LegendEntry[] =>
    stops.map((color, i) => ({ label: labels[i] ?? '', color }));
  switch (layer.kind) {
    case 'rgb':
      return layer.features.map((f, i) => ({ label: `${'RGB'[i]}: ${f}`, color: ['#ff0000', '#00ff00', '#0000ff'][i] }));
    case 'classes':
      return [...layer.value.classes.map((c, i) => ({ label: c, color: classColor(c, i) })), ...('uncertain' in layer.value.classAreasKm2 ? [{ label: 'uncertain', color: UNCERTAIN_COLOR }] : [])];
    case 'probability':
      return ramp(PROBABILITY_RAMP, ['0', '0.25', '0.5', '0.75', '1']);
    case 'diff':
      return ramp(DIVERGING_RAMP, ['−1', '−0.5', '0', '+0.5', '+1']);
    case 'transitions':
      return [
        ...(layer.value.focus ? [{ label: `${layer.value.focus.from} → ${layer.value.focus.to}`, color: TRANSITION_COLORS.focus }] : []),
        { label: 'other change', color: TRANSITION_COLORS.otherChange },
        ...(layer.value.labels ? [{ label: 'from/to uncertain', color: TRANSITION_COLORS.uncertain }] : []),
        { label: 'unchanged', color: TRANSITION_COLORS.unchanged },
      ];
  }
}

/** `renderer` draws the PNGs in worker threads (default: one created here, closed by the caller via its `close`). */
export function previewsRouter(registry: RunRegistry, deps: ServerDeps, renderer: PreviewRenderer = createPreviewRenderer()): Router {
  const router = Router();
  router.get('/api/runs/:id/nodes/:nodeId/preview.png', async (req, res) => {
    const q = querySchema.parse(req.query);
    const entry = registry.get(req.params.id);
    const layer = resolveLayer(outputsOf(registry, deps.catalog, req.params.id, req.params.nodeId), q.layer);
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    let png: Buffer;
    let cached: boolean;
    try {
      ({ png, cached } = await renderer.render(layer, q.maxSize, gone.signal));
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status === 503) res.setHeader('Retry-After', '1');
        throw err;
      }
      throw new HttpError(500, 'preview-failed', `could not draw the preview: ${(err as Error).message}`);
    }
    if (gone.signal.aborted) return;
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('X-Preview-Cache', cached ? 'hit' : 'miss');
    res.setHeader('Cache-Control', entry!.status === 'running' ? 'no-store' : 'private, max-age=3600');
    res.end(png);
  });
  router.get('/api/runs/:id/nodes/:nodeId/legend', (req, res) => {
    const q = querySchema.parse(req.query);
    const outputs = outputsOf(registry, deps.catalog, req.params.id, req.params.nodeId);
    const layer = resolveLayer(outputs, q.layer);
    const name = q.layer ?? availableLayers(outputs)[0];
    res.json({ layer: name, entries: legendOf(layer), layers: availableLayers(outputs) });
  });
  return router;
}
