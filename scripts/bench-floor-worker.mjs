// Reads every tile of the given GeoTIFFs once and inflates it: the floor any reader of these files pays.
import { parentPort, workerData } from 'node:worker_threads';
import { openSync, readSync, closeSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { fromFile } from 'geotiff';

let compressed = 0;
let raw = 0;
for (const path of workerData.files) {
  const tiff = await fromFile(path);
  const image = await tiff.getImage();
  const fd = image.fileDirectory;
  const tiled = fd.hasTag('TileOffsets');
  const offsets = Array.from(await fd.loadValue(tiled ? 'TileOffsets' : 'StripOffsets'), Number);
  const counts = Array.from(await fd.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts'), Number);
  await tiff.close?.();
  const file = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(counts.reduce((a, b) => Math.max(a, b), 0));
  for (let i = 0; i < offsets.length; i++) {
    readSync(file, buf, 0, counts[i], offsets[i]);
    raw += inflateSync(buf.subarray(0, counts[i])).length;
    compressed += counts[i];
  }
  closeSync(file);
}
parentPort.postMessage({ compressed, raw });
