/**
 * Windows assembled from decoded chunks (chunks.ts), in the two shapes callers read: pixel-major (a pixel's
 * samples, for a GEE stack its dates, contiguous: what the composite kernel reads) and one array per band.
 * Pixel-interleaved chunks are copied row by row (or decoded straight into the window when they coincide);
 * band-interleaved chunks are decoded plane by plane and transposed in small cache-sized blocks.
 */
import type { Window } from '../../grid.ts';
import { decodeChunk, type ChunkLayout } from './chunks.ts';
import type { TypedArray } from './typedArray.ts';

type Make = (n: number) => TypedArray;

/** Per-thread decoded-chunk scratch (reads on a thread never overlap), grown on demand. */
let scratch: TypedArray | undefined;

function scratchFor(make: Make, n: number, like: TypedArray): TypedArray {
  if (!scratch || scratch.constructor !== like.constructor || scratch.length < n) scratch = make(n);
  return scratch;
}

const bytesOf = (a: TypedArray, from = 0, length = a.length - from) => new Uint8Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, length * a.BYTES_PER_ELEMENT);

interface Span {
  cx: number;
  cy: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** The chunks a window touches, with the part of each inside it (image coordinates). */
function spans(layout: ChunkLayout, win: Window): Span[] {
  const { chunkWidth: cw, chunkHeight: ch } = layout;
  const out: Span[] = [];
  for (let cy = Math.floor(win.y / ch); cy * ch < win.y + win.height; cy++) {
    for (let cx = Math.floor(win.x / cw); cx * cw < win.x + win.width; cx++) {
      out.push({
        cx, cy,
        x0: Math.max(win.x, cx * cw), x1: Math.min(win.x + win.width, (cx + 1) * cw),
        y0: Math.max(win.y, cy * ch), y1: Math.min(win.y + win.height, (cy + 1) * ch),
      });
    }
  }
  return out;
}

type Bits = Uint8Array | Uint16Array | Uint32Array;

/** The same memory as unsigned integers of the sample width (float64 stays as is: rare, and its NaN payloads may be canonicalised). */
function asBits(a: TypedArray): Bits {
  if (a instanceof Float32Array || a instanceof Int32Array) return new Uint32Array(a.buffer, a.byteOffset, a.length);
  if (a instanceof Int16Array) return new Uint16Array(a.buffer, a.byteOffset, a.length);
  if (a instanceof Int8Array) return new Uint8Array(a.buffer, a.byteOffset, a.length);
  return a as Bits;
}

/** Transpose block width in pixels: 64 px x 72 samples x 2 bytes stays in L1 while it is filled. */
const BLOCK = 64;

/** Fills `out` (win.width * win.height * samples, pixel-major) from the file's chunks. */
export function readInterleavedDirect(file: number, layout: ChunkLayout, win: Window, out: TypedArray, make: Make, path: string): TypedArray {
  const { chunkWidth: cw, chunkHeight: ch, samples: spp } = layout;
  const chunkValues = cw * ch * (layout.planar ? 1 : spp);
  const perPlane = layout.across * layout.down;
  for (const s of spans(layout, win)) {
    const index = s.cy * layout.across + s.cx;
    if (!layout.planar) {
      // A chunk that is exactly the rows of the window it covers (a tile-aligned window, or a full-width
      // window over whole strips) decodes in place.
      const inPlace = s.x0 === s.cx * cw && s.x1 - s.x0 === cw && win.width === cw && s.y0 === s.cy * ch && s.y1 - s.y0 === ch;
      if (inPlace) {
        decodeChunk(file, layout, index, bytesOf(out, (s.y0 - win.y) * win.width * spp, chunkValues), path);
        continue;
      }
      const block = scratchFor(make, chunkValues, out);
      decodeChunk(file, layout, index, bytesOf(block, 0, chunkValues), path);
      const rowValues = (s.x1 - s.x0) * spp;
      for (let y = s.y0; y < s.y1; y++) {
        const src = ((y - s.cy * ch) * cw + (s.x0 - s.cx * cw)) * spp;
        out.set(block.subarray(src, src + rowValues) as never, ((y - win.y) * win.width + (s.x0 - win.x)) * spp);
      }
      continue;
    }
    const planeArray = scratchFor(make, chunkValues * spp, out);
    for (let b = 0; b < spp; b++) decodeChunk(file, layout, b * perPlane + index, bytesOf(planeArray, b * chunkValues, chunkValues), path);
    // Copied as integers of the sample width: a float copied through a JS number may lose its NaN payload.
    const planes = asBits(planeArray);
    const dst = asBits(out);
    for (let y = s.y0; y < s.y1; y++) {
      const srcRow = (y - s.cy * ch) * cw - s.cx * cw;
      const dstRow = (y - win.y) * win.width - win.x;
      for (let xb = s.x0; xb < s.x1; xb += BLOCK) {
        const xe = Math.min(s.x1, xb + BLOCK);
        for (let b = 0; b < spp; b++) {
          const plane = b * chunkValues + srcRow;
          for (let x = xb, o = (dstRow + xb) * spp + b; x < xe; x++, o += spp) dst[o] = planes[plane + x];
        }
      }
    }
  }
  return out;
}

/** Fills one array per band (each win.width * win.height) straight from a band-interleaved file's chunks. */
export function readBandsDirect(file: number, layout: ChunkLayout, win: Window, bands: TypedArray[], make: Make, path: string): TypedArray[] {
  const { chunkWidth: cw, chunkHeight: ch } = layout;
  const perPlane = layout.across * layout.down;
  for (const s of spans(layout, win)) {
    const index = s.cy * layout.across + s.cx;
    const block = scratchFor(make, cw * ch, bands[0]);
    bands.forEach((band, b) => {
      decodeChunk(file, layout, b * perPlane + index, bytesOf(block, 0, cw * ch), path);
      for (let y = s.y0; y < s.y1; y++) {
        const src = (y - s.cy * ch) * cw + (s.x0 - s.cx * cw);
        band.set(block.subarray(src, src + s.x1 - s.x0) as never, (y - win.y) * win.width + (s.x0 - win.x));
      }
    });
  }
  return bands;
}

/**
 * Fills `out` (samples planes of win.width * win.height, sample-major: for a GEE stack date-major) from a
 * band-interleaved file's chunks: each plane's rows are copied, or a chunk that is exactly the window decodes
 * straight into its plane. Nothing is transposed; the composite kernel reads this order directly. Plane b
 * starts at b * stride (default: right after the previous plane).
 */
export function readPlanarDirect(file: number, layout: ChunkLayout, win: Window, out: TypedArray, make: Make, path: string, stride = win.width * win.height, skip?: Uint8Array): TypedArray {
  if (!layout.planar) throw new Error(`${path}: internal: a plane-by-plane read of a pixel-interleaved file`);
  const { chunkWidth: cw, chunkHeight: ch, samples: spp } = layout;
  const n = win.width * win.height;
  const perPlane = layout.across * layout.down;
  // Planes the caller does not need (all pixels cloud-masked on that date) are not decoded at all.
  if (skip) for (let b = 0; b < spp; b++) if (skip[b]) out.fill(0, b * stride, b * stride + n);
  const wanted = (b: number) => !skip || !skip[b];
  for (const s of spans(layout, win)) {
    const index = s.cy * layout.across + s.cx;
    if (win.width === cw && win.height === ch && win.x === s.cx * cw && win.y === s.cy * ch) {
      for (let b = 0; b < spp; b++) if (wanted(b)) decodeChunk(file, layout, b * perPlane + index, bytesOf(out, b * stride, n), path);
      continue;
    }
    const block = scratchFor(make, cw * ch, out);
    for (let b = 0; b < spp; b++) {
      if (!wanted(b)) continue;
      decodeChunk(file, layout, b * perPlane + index, bytesOf(block, 0, cw * ch), path);
      for (let y = s.y0; y < s.y1; y++) {
        const src = (y - s.cy * ch) * cw + (s.x0 - s.cx * cw);
        out.set(block.subarray(src, src + s.x1 - s.x0) as never, b * stride + (y - win.y) * win.width + (s.x0 - win.x));
      }
    }
  }
  return out;
}
