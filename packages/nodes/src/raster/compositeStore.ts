/**
 * Materialised composites: a raw float32 file, pixel-interleaved (features innermost), row-major.
 * Reading a window is one positioned read per row, and a pixel's feature vector is contiguous, which is
 * what classification wants. The file lives in the cache; raster.export turns it into a GeoTIFF.
 */
import { temporaryPath } from '../io/atomicFile.ts';
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import type { Composite } from '../values.ts';
import type { Grid, Window } from '../grid.ts';

export class CompositeWriter {
  private fd: number;
  private readonly tmp: string;

  constructor(
    readonly path: string,
    readonly grid: Grid,
    readonly features: string[],
  ) {
    this.tmp = temporaryPath(path);
    this.fd = openSync(this.tmp, 'w');
    ftruncateSync(this.fd, grid.width * grid.height * features.length * 4);
  }

  /** The file being written (sized already): other threads may write windows into it (writeCompositeWindow). */
  get scratchFile(): string {
    return this.tmp;
  }

  /** `data` is the window's pixel-interleaved float32 block (width * height * features). */
  writeWindow(win: Window, data: Float32Array): void {
    writeRows(this.fd, this.grid.width, this.features.length, win, data);
  }

  /** Closes and moves the file into place; returns the Composite value. */
  commit(): Composite {
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return { kind: 'Composite', grid: this.grid, features: this.features, file: this.path };
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      renameSync(this.tmp, `${this.tmp}.aborted`);
    } catch {
      /* nothing to remove */
    }
  }
}

function writeRows(fd: number, gridWidth: number, nf: number, win: Window, data: Float32Array): void {
  if (data.length !== win.width * win.height * nf) throw new Error(`CompositeWriter: block size ${data.length} does not match window`);
  const rowBytes = win.width * nf * 4;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (win.x === 0 && win.width === gridWidth) {
    writeSync(fd, bytes, 0, bytes.byteLength, win.y * rowBytes); // full-width windows are one contiguous run
    return;
  }
  for (let r = 0; r < win.height; r++) writeSync(fd, bytes, r * rowBytes, rowBytes, ((win.y + r) * gridWidth + win.x) * nf * 4);
}

/**
 * Writes a window into a composite file that a CompositeWriter is writing (its scratchFile), from any thread:
 * windows do not overlap, so positioned writes from several threads need no lock.
 */
export function writeCompositeWindow(file: string, gridWidth: number, nf: number, win: Window, data: Float32Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeRows(fd, gridWidth, nf, win, data);
  } finally {
    closeSync(fd);
  }
}

/** Reads a window as a pixel-interleaved float32 block (width * height * features). */
export function readCompositeWindow(composite: Composite, win: Window): Float32Array {
  const nf = composite.features.length;
  const out = new Float32Array(win.width * win.height * nf);
  const bytes = new Uint8Array(out.buffer);
  const rowBytes = win.width * nf * 4;
  const fd = openSync(composite.file, 'r');
  try {
    // A short file would read as zeros past its end: a wrong map instead of an error.
    const expected = composite.grid.width * composite.grid.height * nf * 4;
    const { size } = fstatSync(fd);
    if (size !== expected) {
      throw new Error(
        `composite file ${composite.file} is ${size < expected ? 'truncated' : 'too long'}: ${size} bytes, expected ${expected} ` +
          `(${composite.grid.width} × ${composite.grid.height} px × ${nf} features × 4 bytes); delete it (or the cache entry holding it) and run again`,
      );
    }
    for (let r = 0; r < win.height; r++) {
      const pos = ((win.y + r) * composite.grid.width + win.x) * nf * 4;
      const n = readSync(fd, bytes, r * rowBytes, rowBytes, pos);
      if (n !== rowBytes) throw new Error(`composite file ${composite.file}: short read at byte ${pos} (the file changed while it was read)`);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** One feature of a window as a band (for exports and previews). */
export function featureBand(block: Float32Array, nFeatures: number, feature: number): Float32Array {
  const n = block.length / nFeatures;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = block[i * nFeatures + feature];
  return out;
}
