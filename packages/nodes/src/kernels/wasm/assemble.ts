/**
 * A minimal WebAssembly module writer: one exported function over one imported memory, its body given as
 * instructions by name. Only the instructions in the tables below can be written, and only our generators
 * (raster/wasm/compositeKernelWasm.ts, io/geotiff/predictorWasm.ts) write them, from identifiers and numbers
 * they choose themselves, so, as with the JavaScript kernel, no text of a graph reaches the compiler. The opcodes are checked against wabt's
 * assembler in assemble.test.ts.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

/** Plain opcodes, and SIMD ones (0xfd prefix, then the number as unsigned LEB128). */
const PLAIN: Record<string, number> = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d,
  'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22,
  'i32.load8_u': 0x2d, 'i32.load16_s': 0x2e, 'i32.load16_u': 0x2f, 'f32.store': 0x38, 'i32.store8': 0x3a, 'i32.store16': 0x3b,
  'i32.const': 0x41, 'f32.const': 0x43, 'f64.const': 0x44,
  'i32.eqz': 0x45, 'f64.gt': 0x64, 'i32.lt_s': 0x48, 'i32.lt_u': 0x49, 'i32.gt_s': 0x4a, 'i32.ge_u': 0x4f,
  'i32.add': 0x6a, 'i32.sub': 0x6b, 'i32.mul': 0x6c, 'i32.shl': 0x74,
  'f64.sub': 0xa1, 'f64.mul': 0xa2, 'f64.div': 0xa3,
  'f32.demote_f64': 0xb6, 'f64.convert_i32_s': 0xb7, 'f64.convert_i64_s': 0xb9, select: 0x1b,
};
const SIMD: Record<string, number> = {
  'v128.load': 0x00, 'v128.store': 0x0b, 'i8x16.splat': 0x0f, 'i16x8.splat': 0x10, 'i8x16.extract_lane_u': 0x16, 'i16x8.extract_lane_u': 0x19,
  'i8x16.add': 0x6e, 'i16x8.add': 0x8e,
  'v128.load8x8_s': 0x01, 'v128.load8x8_u': 0x02, 'v128.load16x4_s': 0x03, 'v128.load16x4_u': 0x04,
  'v128.const': 0x0c, 'i8x16.shuffle': 0x0d, 'i32x4.splat': 0x11, 'f64x2.splat': 0x14,
  'i32x4.extract_lane': 0x1b, 'i32x4.replace_lane': 0x1c, 'i64x2.extract_lane': 0x1d, 'f64x2.extract_lane': 0x21,
  'i32x4.eq': 0x37, 'i32x4.gt_s': 0x3b, 'f64x2.eq': 0x47,
  'v128.not': 0x4d, 'v128.any_true': 0x53, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.bitselect': 0x52,
  'i32x4.extend_low_i16x8_s': 0xa7, 'i32x4.extend_low_i16x8_u': 0xa9,
  'i32x4.add': 0xae, 'i32x4.sub': 0xb1, 'i64x2.extend_low_i32x4_s': 0xc7, 'i64x2.extend_high_i32x4_s': 0xc8, 'i64x2.sub': 0xd1,
  'f64x2.abs': 0xec, 'f64x2.neg': 0xed, 'f64x2.sqrt': 0xef,
  'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3, 'f64x2.min': 0xf4, 'f64x2.max': 0xf5,
  'f64x2.convert_low_i32x4_s': 0xfe,
};
/** Instructions with a memory argument (alignment exponent, offset). */
const MEMORY = new Set(['i32.load8_u', 'i32.load16_s', 'i32.load16_u', 'f32.store', 'i32.store8', 'i32.store16', 'v128.load', 'v128.store', 'v128.load8x8_s', 'v128.load8x8_u', 'v128.load16x4_s', 'v128.load16x4_u']);
/** Alignment hints (log2 bytes); v128 loads and stores of 2-byte-aligned views say 1. */
const NATURAL_ALIGN: Record<string, number> = { 'i32.load8_u': 0, 'i32.load16_s': 1, 'i32.load16_u': 1, 'f32.store': 2, 'i32.store8': 0, 'i32.store16': 1, 'v128.load': 0, 'v128.store': 0 };

/** Every instruction name the writer knows (for the opcode test). */
export const INSTRUCTIONS: readonly string[] = [...Object.keys(PLAIN), ...Object.keys(SIMD)];

function uleb(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`uleb: ${n}`);
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb32(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) throw new Error(`sleb32: ${n}`);
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** A function body under construction: locals by name, instructions appended in order. */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  private readonly names = new Map<string, number>();

  constructor(readonly params: readonly [string, ValType][]) {
    params.forEach(([name], i) => this.names.set(name, i));
  }

  /** Declares a local (once) and returns its name. */
  local(name: string, type: ValType): string {
    if (this.names.has(name)) throw new Error(`local ${name} declared twice`);
    this.names.set(name, this.params.length + this.locals.length);
    this.locals.push(type);
    return name;
  }

  private index(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`unknown local ${name}`);
    return i;
  }

  /** One instruction; immediates as the instruction needs them (a local's name, a lane, an offset…). */
  op(name: string, ...imm: (number | string)[]): this {
    const c = this.code;
    if (name in PLAIN) c.push(PLAIN[name]);
    else if (name in SIMD) {
      c.push(0xfd);
      uleb(SIMD[name], c);
    } else throw new Error(`instruction ${name} is not in the writer's table`);
    if (name.startsWith('local.')) uleb(this.index(String(imm[0])), c);
    else if (name === 'block' || name === 'loop' || name === 'if') c.push(0x40);
    else if (name === 'br' || name === 'br_if') uleb(Number(imm[0]), c);
    else if (name === 'i32.const') sleb32(Number(imm[0]), c);
    else if (MEMORY.has(name)) {
      uleb(NATURAL_ALIGN[name] ?? 3, c);
      uleb(Number(imm[0] ?? 0), c);
    } else if (name.includes('extract_lane') || name.includes('replace_lane')) c.push(Number(imm[0]));
    else if (name === 'f64.const') c.push(...new Uint8Array(new Float64Array([Number(imm[0])]).buffer));
    else if (name === 'f32.const') c.push(...new Uint8Array(new Uint32Array([Number(imm[0]) >>> 0]).buffer)); // raw bits
    else if (name === 'v128.const' || name === 'i8x16.shuffle') {
      const bytes = imm[0] as unknown as ArrayLike<number>;
      if (bytes.length !== 16) throw new Error(`${name} needs 16 bytes`);
      c.push(...Array.from(bytes));
    }
    return this;
  }

  /** The locals section and code of the body. */
  encode(): number[] {
    const out: number[] = [];
    // Runs of equal types, as the format groups them.
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, out);
    for (const [n, t] of runs) {
      uleb(n, out);
      out.push(t);
    }
    out.push(...this.code, 0x0b);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A module importing memory `env.memory` and exporting `fn` = body (no results). */
export function assembleModule(body: FunctionBody): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type: number[] = [1, 0x60];
  uleb(body.params.length, type);
  for (const [, t] of body.params) type.push(t);
  type.push(0);
  section(1, type, out);
  const imp: number[] = [1];
  name('env', imp);
  name('memory', imp);
  imp.push(0x02, 0x00, 1); // memory, limits: min only, 1 page
  section(2, imp, out);
  section(3, [1, 0], out);
  const exp: number[] = [1];
  name('fn', exp);
  exp.push(0x00, 0);
  section(7, exp, out);
  const encoded = body.encode();
  const code: number[] = [1];
  uleb(encoded.length, code);
  code.push(...encoded);
  section(10, code, out);
  return new Uint8Array(out);
}
