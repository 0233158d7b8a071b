/**
 * TIFF predictors and byte order, applied to a decoded chunk (tile or strip) in place. `bytes` holds `rows`
 * rows of `rowSamples` samples of `bytesPerSample` bytes each; `stride` is the samples per pixel in the chunk
 * (1 for band-interleaved files). Results are in the machine's (little-endian) byte order.
 */

/** Reverses the byte order of every sample (big-endian files), before predictor 2. */
export function swapBytes(bytes: Uint8Array, bytesPerSample: number): void {
  if (bytesPerSample === 1) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength - (bytes.byteLength % bytesPerSample));
  if (bytesPerSample === 2) b.swap16();
  else if (bytesPerSample === 4) b.swap32();
  else if (bytesPerSample === 8) b.swap64();
  else throw new Error(`cannot swap ${bytesPerSample}-byte samples`);
}

/**
 * Predictor 2 (horizontal differencing): each sample is stored as the difference to the same sample of the
 * previous pixel in the row. Accumulating in an unsigned view of the sample width wraps exactly like libtiff's
 * encoder, for signed and unsigned types alike.
 */
export function undoHorizontal(bytes: Uint8Array, bytesPerSample: number, rowSamples: number, rows: number, stride: number): void {
  const n = rowSamples * rows;
  const v =
    bytesPerSample === 1 ? bytes.subarray(0, n)
    : bytesPerSample === 2 ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
    : bytesPerSample === 4 ? new Uint32Array(bytes.buffer, bytes.byteOffset, n)
    : null;
  if (!v) throw new Error(`predictor 2 is not defined here for ${bytesPerSample}-byte samples`);
  for (let r = 0; r < rows; r++) {
    const end = (r + 1) * rowSamples;
    for (let i = r * rowSamples + stride; i < end; i++) v[i] += v[i - stride];
  }
}

/**
 * Predictor 3 (floating point, TIFF Technical Note 3 / libtiff fpAcc): per row the bytes of all samples are
 * stored as byte planes, most significant byte first, then byte-wise differenced with the pixel stride. The
 * planes are byte-order neutral, so this also serves big-endian files (no swap). `scratch` holds one row.
 */
export function undoFloatingPoint(bytes: Uint8Array, bytesPerSample: number, rowSamples: number, rows: number, stride: number, scratch: Uint8Array): void {
  const rowBytes = rowSamples * bytesPerSample;
  const tmp = scratch.subarray(0, rowBytes);
  const bps = bytesPerSample;
  for (let r = 0; r < rows; r++) {
    const row = bytes.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = stride; i < rowBytes; i++) row[i] = (row[i] + row[i - stride]) & 0xff;
    tmp.set(row);
    // Little-endian output: byte k of a sample comes from plane bps-1-k.
    for (let k = 0; k < bps; k++) {
      const plane = (bps - 1 - k) * rowSamples;
      for (let s = 0, o = k; s < rowSamples; s++, o += bps) row[o] = tmp[plane + s];
    }
  }
}
