/**
 * The preview renderer's worker task: reads a node output's raster (or composite), downsamples, colours and
 * PNG-encodes it in a worker thread, so that big previews never block the server's event loop.
 */
import { defineTask, taskRegistry } from '@sentiflow/nodes/chunkTask.ts';
import { openRaster } from '@sentiflow/nodes/io/geotiff/read.ts';
import type { ClassMap, Change, Composite } from '@sentiflow/nodes/values.ts';
import type { RasterReader } from './deps.ts';
import { encodePng } from './png.ts';
import * as render from './previewRender.ts';

/** A map layer of a node output (plain data: it crosses to the worker by structured clone). */
export type Layer =
  | { kind: 'rgb'; value: Composite; features: [string, string, string] }
  | { kind: 'classes'; value: ClassMap }
  | { kind: 'probability'; value: ClassMap; className: string }
  | { kind: 'transitions'; value: Change }
  | { kind: 'diff'; value: Change; className: string };

/** The file a layer reads. */
export function layerFile(layer: Layer): string | undefined {
  switch (layer.kind) {
    case 'rgb':
      return layer.value.file;
    case 'classes':
      return layer.value.classFile;
    case 'probability':
      return layer.value.probabilityFile;
    case 'transitions':
      return layer.value.transitionFile;
    case 'diff':
      return layer.value.probabilityDiffFiles[layer.className];
  }
}

export async function renderLayerPng(layer: Layer, maxSize: number, open: (file: string) => Promise<RasterReader> = (f) => openRaster(f) as Promise<RasterReader>): Promise<Uint8Array> {
  if (layer.kind === 'rgb') {
    const size = render.previewSize(layer.value.grid, maxSize);
    const idx = layer.features.map((f) => layer.value.features.indexOf(f));
    return encodePng(size.width, size.height, render.colorRgb(render.sampleComposite(layer.value, idx, size)));
  }
  const file = layerFile(layer);
  if (!file) throw new Error(`this map has no ${layer.kind} layer`);
  const reader = await open(file);
  const size = render.previewSize(reader, maxSize);
  const band = layer.kind === 'probability' ? layer.value.classes.indexOf(layer.className) : 0;
  if (band >= reader.bandCount) throw new Error(`${file} has ${reader.bandCount} bands, expected band ${band + 1}`);
  const [values] = await render.sampleRaster(reader, [band], size);
  const rgba = layer.kind === 'classes' ? render.colorClasses(values, layer.value.classes)
    : layer.kind === 'probability' ? render.colorProbability(values)
    : layer.kind === 'transitions' ? render.colorTransitions(values, layer.value)
    : render.colorDiff(values);
  return encodePng(size.width, size.height, rgba);
}

export const renderPreview = defineTask<{ layer: Layer; maxSize: number }, Uint8Array>('preview.render', async (payload) => {
  const png = await renderLayerPng(payload.layer, payload.maxSize);
  const copy = new Uint8Array(png); // own buffer: transferred, not copied again
  return { result: copy, transfer: [copy.buffer] };
});

export const chunkTasks = taskRegistry([renderPreview]);
