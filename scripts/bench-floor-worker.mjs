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
  const offsets = image.fileDirectory.TileOffsets ?? image.fileDirectory.StripOffsets;
  const counts = image.fileDirectory.TileByteCounts ?? image.fileDirectory.StripByteCounts;
  await tiff.close?.();
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(Math.max(...counts));
  for (let i = 0; i < offsets.length; i++) {
    readSync(fd, buf, 0, counts[i], offsets[i]);
    raw += inflateSync(buf.subarray(0, counts[i])).length;
    compressed += counts[i];
  }
  closeSync(fd);
}
parentPort.postMessage({ compressed, raw });
