// Reads every tile of the given GeoTIFFs once and inflates it: the floor any reader of these files pays.
// Uses the same inflate as Sentiflow (libdeflate, or node:zlib when SENTIFLOW_DEFLATE=zlib).
import { parentPort, workerData } from 'node:worker_threads';
import { openSync, readSync, closeSync } from 'node:fs';
import { fromFile } from 'geotiff';
import { register } from 'tsx/esm/api';

register(); // workers cannot start from .ts directly
const { deflateBackend, inflateInto } = await import('../packages/nodes/src/io/geotiff/deflate.ts');

let compressed = 0;
let raw = 0;
for (const path of workerData.files) {
  const tiff = await fromFile(path);
  const image = await tiff.getImage();
  const fd = image.fileDirectory;
  const tiled = fd.hasTag('TileOffsets');
  const offsets = Array.from(await fd.loadValue(tiled ? 'TileOffsets' : 'StripOffsets'), Number);
  const counts = Array.from(await fd.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts'), Number);
  const tileBytes = image.getTileWidth() * image.getTileHeight() * image.getSamplesPerPixel() * (image.getBitsPerSample(0) / 8);
  await tiff.close?.();
  const file = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(counts.reduce((a, b) => Math.max(a, b), 0));
  const out = new Uint8Array(tileBytes);
  for (let i = 0; i < offsets.length; i++) {
    readSync(file, buf, 0, counts[i], offsets[i]);
    raw += inflateInto(buf.subarray(0, counts[i]), out);
    compressed += counts[i];
  }
  closeSync(file);
}
parentPort.postMessage({ compressed, raw, backend: deflateBackend() });
