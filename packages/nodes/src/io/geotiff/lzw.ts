/**
 * TIFF LZW (compression 5): MSB-first codes of 9 to 12 bits, ClearCode 256, EndOfInformation 257, and the
 * "early change" of libtiff (the code width grows one code before the table fills). Decodes straight into the
 * destination. A table entry is a string already present in the output (the previous string plus the next
 * byte), so it is stored as an (offset, length) into the output and copied from there, never materialised.
 */
const CLEAR = 256;
const EOI = 257;

/** Per-thread tables (decoding is synchronous, so never used by two calls at once). */
const offsetOf = new Int32Array(4096);
const lengthOf = new Int32Array(4096);

/** Decodes `src` into `dst`; returns the bytes written (at most dst.length). Throws on a corrupt stream. */
export function lzwDecode(src: Uint8Array, dst: Uint8Array): number {
  if (src.length >= 2 && src[0] === 0 && (src[1] & 1) === 1) throw new Error('old-style (LSB-first) LZW is not supported');
  const srcBits = src.length * 8;
  const cap = dst.length;
  let bitPos = 0;
  let out = 0;
  let next = 258;
  let width = 9;
  let prevStart = -1;
  let prevLen = 0;
  while (bitPos + width <= srcBits) {
    // A code of up to 12 bits spans at most 3 bytes.
    const byte = bitPos >>> 3;
    const word = (src[byte] << 16) | ((src[byte + 1] ?? 0) << 8) | (src[byte + 2] ?? 0);
    const code = (word >>> (24 - (bitPos & 7) - width)) & ((1 << width) - 1);
    bitPos += width;
    if (code === EOI) break;
    if (code === CLEAR) {
      next = 258;
      width = 9;
      prevStart = -1;
      continue;
    }
    const start = out;
    let len: number;
    if (code < 256) {
      if (out >= cap) return out;
      dst[out++] = code;
      len = 1;
    } else if (prevStart === -1) {
      throw new Error(`corrupt LZW data (code ${code} right after a clear code, bit ${bitPos - width})`);
    } else if (code < next) {
      len = lengthOf[code];
      const n = Math.min(len, cap - out);
      dst.copyWithin(out, offsetOf[code], offsetOf[code] + n);
      out += n;
      if (n < len) return out; // a chunk may carry codes beyond its expected size
    } else if (code === next) {
      // KwKwK: the previous string plus its own first byte.
      len = prevLen + 1;
      const n = Math.min(prevLen, cap - out);
      dst.copyWithin(out, prevStart, prevStart + n);
      out += n;
      if (out >= cap) return out;
      dst[out++] = dst[prevStart];
    } else {
      throw new Error(`corrupt LZW data (code ${code} at bit ${bitPos - width}, but the table has ${next} entries)`);
    }
    if (prevStart !== -1 && next < 4096) {
      offsetOf[next] = prevStart; // previous string + this string's first byte, contiguous in the output
      lengthOf[next] = prevLen + 1;
      next++;
      if (next + 1 >= 1 << width && width < 12) width++;
    }
    prevStart = start;
    prevLen = len;
  }
  return out;
}
