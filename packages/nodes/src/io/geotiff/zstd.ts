/**
 * ZSTD (TIFF compression 50000, as GDAL writes it) through the system libzstd (Debian package libzstd1) and
 * koffi. Loaded on first use; when the library is missing, reading such a file fails with a message saying so.
 */
import { createRequire } from 'node:module';

type Fn = (...args: unknown[]) => unknown;
interface Libzstd {
  decompress: Fn;
  isError: Fn;
  errorName: Fn;
}

let lib: Libzstd | null | undefined;
let loadError = '';

function libzstd(): Libzstd | null {
  if (lib !== undefined) return lib;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const so = koffi.load(process.env.SENTIFLOW_LIBZSTD ?? 'libzstd.so.1');
    lib = {
      decompress: so.func('size_t ZSTD_decompress(void *dst, size_t cap, const void *src, size_t n)') as Fn,
      isError: so.func('unsigned int ZSTD_isError(size_t code)') as Fn,
      errorName: so.func('const char *ZSTD_getErrorName(size_t code)') as Fn,
    };
  } catch (e) {
    lib = null;
    loadError = (e as Error).message;
  }
  return lib;
}

/** True when the system libzstd could be loaded. */
export function zstdAvailable(): boolean {
  return libzstd() !== null;
}

/** Decompresses one ZSTD frame `src` into `dst`; returns the bytes written. */
export function zstdDecode(src: Uint8Array, dst: Uint8Array): number {
  const l = libzstd();
  if (!l) throw new Error(`ZSTD-compressed GeoTIFF, but the system libzstd could not be loaded (${loadError}); install it (Debian/Ubuntu: apt-get install libzstd1) or re-write the file with another compression (gdal_translate -co COMPRESS=DEFLATE)`);
  const r = l.decompress(dst, dst.byteLength, src, src.byteLength) as number | bigint;
  if (l.isError(r)) throw new Error(`ZSTD data could not be decoded (${String(l.errorName(r))})`);
  return Number(r);
}
