/**
 * A cut GeoTIFF (an interrupted copy or download) must say so and name the file: geotiff.js reads past the
 * end as zeros and reports "0 bits per sample" or returns a black image.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

function truncated(path: string, size: number, what: string, at: number): Error {
  return new Error(`${path}: the file is truncated (${size} bytes, but its ${what} is at byte ${at}); copy or export it again`);
}

/** Checks the header and that the first image directory lies inside the file. */
export function assertTiffHeaderInside(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 8) throw truncated(path, size, 'header', 8);
    const le = head.toString('latin1', 0, 2) === 'II';
    if (!le && head.toString('latin1', 0, 2) !== 'MM') return; // not a TIFF: the reader says so
    const magic = le ? head.readUInt16LE(2) : head.readUInt16BE(2);
    const ifd = magic === 43 ? (n < 16 ? Infinity : Number(le ? head.readBigUInt64LE(8) : head.readBigUInt64BE(8))) : le ? head.readUInt32LE(4) : head.readUInt32BE(4);
    if (ifd + 2 > size) throw truncated(path, size, 'image directory', ifd);
  } finally {
    closeSync(fd);
  }
}

/** Checks that every tile or strip (offset + byte count) lies inside the file. */
export function assertBlocksInside(path: string, size: number, offsets: ArrayLike<number>, byteCounts: ArrayLike<number>): void {
  let end = 0;
  let at = 0;
  for (let i = 0; i < offsets.length; i++) {
    const e = offsets[i] + (byteCounts[i] ?? 0);
    if (e > end) [end, at] = [e, offsets[i]];
  }
  if (end > size) throw truncated(path, size, 'last tile or strip', at);
}
