/**
 * zlib-format DEFLATE for GeoTIFF tiles. Uses the system libdeflate (the library GDAL itself links; Debian
 * package libdeflate0) through koffi when it loads, because it inflates ~1.5x and deflates ~3x faster than
 * zlib; otherwise falls back to node:zlib. Both produce and accept standard zlib streams, so files are the same
 * to every reader. SENTIFLOW_DEFLATE=zlib forces the fallback (the benchmark uses it to report both floors).
 */
import { createRequire } from 'node:module';
import { deflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';

const zlibDeflate = promisify(deflate);

type Fn = (...args: unknown[]) => unknown;
interface AsyncFn extends Fn {
  async(...args: unknown[]): void;
}

interface Libdeflate {
  decompress: Fn;
  compress: AsyncFn;
  compressBound: Fn;
  allocCompressor: Fn;
  freeCompressor: Fn;
  decompressor: unknown;
}

let lib: Libdeflate | null | undefined;

function libdeflate(): Libdeflate | null {
  if (lib !== undefined) return lib;
  lib = null;
  if (process.env.SENTIFLOW_DEFLATE === 'zlib') return lib;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const so = koffi.load(process.env.SENTIFLOW_LIBDEFLATE ?? 'libdeflate.so.0');
    const alloc = so.func('void *libdeflate_alloc_decompressor()') as Fn;
    lib = {
      decompress: so.func('int libdeflate_zlib_decompress(void *d, const void *src, size_t n, void *dst, size_t avail, _Out_ size_t *actual)') as Fn,
      compress: so.func('size_t libdeflate_zlib_compress(void *c, const void *src, size_t n, void *dst, size_t avail)') as AsyncFn,
      compressBound: so.func('size_t libdeflate_zlib_compress_bound(void *c, size_t n)') as Fn,
      allocCompressor: so.func('void *libdeflate_alloc_compressor(int level)') as Fn,
      freeCompressor: so.func('void libdeflate_free_compressor(void *c)') as Fn,
      decompressor: alloc(),
    };
  } catch {
    lib = null; // not installed: node:zlib serves
  }
  return lib;
}

/** 'libdeflate' or 'zlib': which implementation this thread uses. */
export function deflateBackend(): 'libdeflate' | 'zlib' {
  return libdeflate() ? 'libdeflate' : 'zlib';
}

const RESULT = ['ok', 'bad data', 'short output', 'insufficient space'];

/**
 * Inflates the zlib stream `src` into `dst`; returns the number of bytes written. Throws when the stream is
 * corrupt or does not fit.
 */
export function inflateInto(src: Uint8Array, dst: Uint8Array): number {
  const l = libdeflate();
  if (l) {
    const actual = [0];
    const r = l.decompress(l.decompressor, src, src.byteLength, dst, dst.byteLength, actual) as number;
    if (r !== 0) throw new Error(`DEFLATE tile could not be decoded (${RESULT[r] ?? r})`);
    return Number(actual[0]);
  }
  const out = inflateSync(src, { chunkSize: Math.max(65536, dst.byteLength) });
  if (out.byteLength > dst.byteLength) throw new Error(`DEFLATE tile inflates to ${out.byteLength} bytes, expected at most ${dst.byteLength}`);
  dst.set(out);
  return out.byteLength;
}

/** Deflates `src` (zlib format) on the libuv thread pool, so several tiles compress at once off the JS thread. */
export function deflateAsync(src: Uint8Array, level: number): Promise<Buffer> {
  const l = libdeflate();
  if (!l) return zlibDeflate(src, { level });
  // A libdeflate compressor is not thread-safe: each call gets its own (a small allocation next to the tile).
  const c = l.allocCompressor(level);
  if (!c) return Promise.reject(new Error(`libdeflate: no compressor for level ${level}`));
  const dst = Buffer.allocUnsafe(Number(l.compressBound(c, src.byteLength)));
  return new Promise((resolve, reject) => {
    l.compress.async(c, src, src.byteLength, dst, dst.byteLength, (err: unknown, n: number | bigint) => {
      l.freeCompressor(c);
      if (err) reject(err as Error);
      else if (!n) reject(new Error('DEFLATE compression failed'));
      else resolve(dst.subarray(0, Number(n)));
    });
  });
}
