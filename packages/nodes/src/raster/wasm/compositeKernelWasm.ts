/**
 * The composite kernel as WebAssembly SIMD, generated per spec and layer layout like the JavaScript one
 * (compositeKernel.ts), for what nearly every graph asks: mean and count of integer bands and of indices
 * built from + - * / sqrt abs min max clamp. Anything else (other reducers, float layers, pow, log, exp)
 * stays on the JavaScript kernel.
 *
 * Lanes are pixels, four at a time, so each pixel still sums its dates in date order and every float64
 * operation is the one the JavaScript kernel does, in the same order: the composites are bit for bit the same
 * (compositeKernelWasm.test.ts). Band sums are exact integer sums (i32 lanes); index sums are float64
 * (two lanes per half). Date-major layers (band-interleaved files) load four neighbouring pixels at once;
 * pixel-major ones gather them.
 */
import type { ExprNode } from '../../kernels/expression.ts';
import { kernelBands, bandsOf, MASK_LAYER, type KernelInputs, type KernelSpec } from '../kernelSpec.ts';
import { assembleModule, F64, FunctionBody, I32, V128 } from '../../kernels/wasm/assemble.ts';
import { releaseKernelMemory, takeKernelMemory } from './kernelMemory.ts';

export type LayerType = 'uint8' | 'uint16' | 'int16';

export interface LayerLayout {
  type: LayerType;
  dateMajor: boolean;
}

export interface WasmLayout {
  /** Per band, in kernelBands order. */
  bands: LayerLayout[];
  mask: { kind: 'none' } | ({ kind: 'probability' | 'array' } & LayerLayout);
}

const SUPPORTED_CALLS = new Set(['sqrt', 'abs', 'min', 'max', 'clamp']);

function exprSupported(node: ExprNode): boolean {
  switch (node.kind) {
    case 'num':
      return Number.isFinite(node.value);
    case 'name':
      return true;
    case 'neg':
      return exprSupported(node.arg);
    case 'bin':
      return node.op !== '^' && exprSupported(node.left) && exprSupported(node.right);
    case 'call':
      if (!SUPPORTED_CALLS.has(node.fn)) return false;
      if ((node.fn === 'sqrt' || node.fn === 'abs') && node.args.length !== 1) return false;
      if ((node.fn === 'min' || node.fn === 'max') && node.args.length < 2) return false;
      if (node.fn === 'clamp' && node.args.length !== 3) return false;
      return node.args.every(exprSupported);
  }
}

/** Whether the SIMD kernel computes this spec (whatever the layers' types). */
export function wasmSupportsSpec(spec: KernelSpec): boolean {
  // An index must read a band (its no-data test is "any input is 0"; a constant one has none).
  return spec.reducers.every((r) => r === 'mean' || r === 'count') && spec.variables.every((v) => v.kind === 'band' || (exprSupported(v.ast) && bandsOf(v.ast).size > 0));
}

/** Bytes a layer needs after its values: the last quad of pixels reads up to 3 values past a plane's end (date-major) or 3 pixels' dates past the last pixel (pixel-major). */
export function layerSlack(nDates: number, bytesPerValue: number, dateMajor: boolean): number {
  return dateMajor ? 64 : 4 * nDates * bytesPerValue + 64;
}

const BYTES: Record<LayerType, number> = { uint8: 1, uint16: 2, int16: 2 };
const ZERO = new Uint8Array(16);
const f64x2Bytes = (v: number) => new Uint8Array(new Float64Array([v, v]).buffer);
/** JavaScript's NaN as a float32 (what a Float32Array holds after `= NaN`). */
const NAN_F32_BITS = 0x7fc00000;
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** The module's bytes for a spec and layout (assumes wasmSupportsSpec). */
export function generateWasmKernel(spec: KernelSpec, layout: WasmLayout): Uint8Array {
  const bands = kernelBands(spec);
  if (layout.bands.length !== bands.length) throw new Error('generateWasmKernel: one layout per band');
  const nv = spec.variables.length;
  const nr = spec.reducers.length;
  const nf = nv * nr;
  const mask = layout.mask;
  const hasMask = mask.kind !== 'none';
  const params: [string, typeof I32 | typeof F64][] = [['nPixels', I32], ['nDates', I32], ['stride', I32], ['outPtr', I32], ['thr', I32], ['maskPtr', I32]];
  bands.forEach((_, s) => params.push([`ptr${s}`, I32]));
  params.push(['offset', F64], ['scale', F64]);
  const f = new FunctionBody(params);
  const L = (name: string) => f.op('local.get', name);
  const S = (name: string) => f.op('local.set', name);

  // Which slots need a zero test, and which a reflectance value (for an index).
  const slotOf = (b: string) => bands.indexOf(b);
  const indexInputs = spec.variables.map((v) => (v.kind === 'index' ? [...bandsOf(v.ast)].map(slotOf) : []));
  const reflectance = new Set(indexInputs.flat());
  const zeroTested = new Set([...reflectance, ...spec.variables.filter((v) => v.kind === 'band').map((v) => slotOf((v as { band: string }).band))]);

  for (const n of ['q', 'd', 'o', 'n', 'am', 'step1', 'step2', 'lane1_1', 'lane2_1', 'lane3_1', 'lane1_2', 'lane2_2', 'lane3_2']) f.local(n, I32);
  bands.forEach((_, s) => f.local(`a${s}`, I32));
  f.local('nF', F64);
  for (const n of ['clear', 'nm', 'ok', 'offV', 'scaleV', 'thrV', 't', 'x', 'okh']) f.local(n, V128);
  bands.forEach((_, s) => {
    f.local(`D${s}`, V128);
    if (zeroTested.has(s)) f.local(`Z${s}`, V128);
    if (reflectance.has(s)) {
      f.local(`RL${s}`, V128);
      f.local(`RH${s}`, V128);
    }
  });
  spec.variables.forEach((v, vi) => {
    const names = v.kind === 'band' ? [`S${vi}`, `NZ${vi}`] : [`S${vi}L`, `N${vi}L`, `S${vi}H`, `N${vi}H`];
    for (const name of names) f.local(name, V128);
  });

  // Loop-invariant values.
  L('offset').op('f64x2.splat');
  S('offV');
  L('scale').op('f64x2.splat');
  S('scaleV');
  L('thr').op('i32x4.splat');
  S('thrV');
  for (const e of [1, 2]) {
    L('stride').op('i32.const', e).op('i32.mul');
    S(`step${e}`);
    for (let k = 1; k <= 3; k++) {
      L('nDates').op('i32.const', e * k).op('i32.mul');
      S(`lane${k}_${e}`);
    }
  }

  /** Pushes the i32x4 of the quad's values of a layer at its running address `a`. */
  const load = (a: string, lay: LayerLayout) => {
    const e = BYTES[lay.type];
    if (lay.dateMajor) {
      L(a);
      if (lay.type === 'uint8') f.op('v128.load8x8_u').op('i32x4.extend_low_i16x8_u');
      else f.op(lay.type === 'uint16' ? 'v128.load16x4_u' : 'v128.load16x4_s');
    } else {
      const scalar = lay.type === 'uint8' ? 'i32.load8_u' : lay.type === 'uint16' ? 'i32.load16_u' : 'i32.load16_s';
      L(a).op(scalar).op('i32x4.splat');
      for (let k = 1; k <= 3; k++) L(a).op('local.get', `lane${k}_${e}`).op('i32.add').op(scalar).op('i32x4.replace_lane', k);
    }
  };
  /** Sets a layer's running address to the quad's first value on date 0. */
  const startAt = (a: string, ptr: string, lay: LayerLayout) => {
    L('q');
    if (!lay.dateMajor) L('nDates').op('i32.mul');
    f.op('i32.const', BYTES[lay.type]).op('i32.mul');
    L(ptr).op('i32.add');
    S(a);
  };
  const advance = (a: string, lay: LayerLayout) => {
    L(a);
    if (lay.dateMajor) L(`step${BYTES[lay.type]}`);
    else f.op('i32.const', BYTES[lay.type]);
    f.op('i32.add');
    S(a);
  };
  /** Pushes an index expression over the reflectance of half `h` (float64x2), with expression.ts's rule that a non-finite product, quotient or function value is NaN. */
  const fin = () => {
    f.op('local.tee', 't').op('v128.const', f64x2Bytes(NaN) as unknown as number);
    L('t');
    L('t').op('f64x2.sub').op('v128.const', ZERO as unknown as number).op('f64x2.eq').op('v128.bitselect');
  };
  /** `root`: the outermost product or quotient needs no fin(), the caller's finiteness test drops it anyway. */
  const expr = (node: ExprNode, h: 'L' | 'H', root = false): void => {
    switch (node.kind) {
      case 'num':
        f.op('v128.const', f64x2Bytes(node.value) as unknown as number);
        return;
      case 'name':
        L(`R${h}${slotOf(node.name)}`);
        return;
      case 'neg':
        expr(node.arg, h);
        f.op('f64x2.neg');
        return;
      case 'bin':
        expr(node.left, h);
        expr(node.right, h);
        f.op({ '+': 'f64x2.add', '-': 'f64x2.sub', '*': 'f64x2.mul', '/': 'f64x2.div' }[node.op as '+']);
        if ((node.op === '*' || node.op === '/') && !root) fin();
        return;
      case 'call':
        if (node.fn === 'sqrt' || node.fn === 'abs') {
          expr(node.args[0], h);
          f.op(`f64x2.${node.fn}`);
          fin();
        } else if (node.fn === 'clamp') {
          expr(node.args[0], h);
          expr(node.args[1], h);
          f.op('f64x2.max');
          expr(node.args[2], h);
          f.op('f64x2.min');
        } else {
          expr(node.args[0], h);
          for (const a of node.args.slice(1)) {
            expr(a, h);
            f.op(`f64x2.${node.fn}`);
          }
        }
        return;
    }
  };

  // for (q = 0; q < nPixels; q += 4)
  f.op('i32.const', 0);
  S('q');
  f.op('block').op('loop');
  L('q');
  L('nPixels').op('i32.ge_u').op('br_if', 1);
  for (const name of ['clear', ...spec.variables.flatMap((v, vi) => (v.kind === 'band' ? [`S${vi}`, `NZ${vi}`] : [`S${vi}L`, `N${vi}L`, `S${vi}H`, `N${vi}H`]))]) {
    f.op('v128.const', ZERO as unknown as number);
    S(name);
  }
  if (hasMask) startAt('am', 'maskPtr', mask);
  layout.bands.forEach((lay, s) => startAt(`a${s}`, `ptr${s}`, lay));
  // for (d = 0; d < nDates; d++)
  f.op('i32.const', 0);
  S('d');
  f.op('block').op('loop');
  L('d');
  L('nDates').op('i32.ge_u').op('br_if', 1);
  if (hasMask) {
    load('am', mask);
    if (mask.kind === 'probability') {
      L('thrV').op('i32x4.gt_s').op('v128.not');
    } else {
      f.op('v128.const', ZERO as unknown as number).op('i32x4.eq');
    }
    S('nm');
    // clear - (-1 per clear lane): the lane masks are all ones.
    L('clear');
    L('nm').op('i32x4.sub');
    S('clear');
    // Clouds cover neighbouring pixels together: when all four are masked on this date, nothing is added.
    f.op('block');
    L('nm').op('v128.any_true').op('i32.eqz').op('br_if', 0);
  }
  layout.bands.forEach((lay, s) => {
    load(`a${s}`, lay);
    S(`D${s}`);
    if (zeroTested.has(s)) {
      L(`D${s}`).op('v128.const', ZERO as unknown as number).op('i32x4.eq');
      S(`Z${s}`);
    }
  });
  const andMask = () => {
    if (hasMask) L('nm').op('v128.and');
  };
  spec.variables.forEach((v, vi) => {
    if (v.kind !== 'band') return;
    const s = slotOf(v.band);
    L(`S${vi}`);
    L(`D${s}`);
    andMask();
    f.op('i32x4.add');
    S(`S${vi}`);
    L(`NZ${vi}`);
    L(`Z${s}`);
    andMask();
    f.op('i32x4.sub');
    S(`NZ${vi}`);
  });
  for (const s of reflectance) {
    for (const h of ['L', 'H'] as const) {
      L(`D${s}`);
      if (h === 'H') L(`D${s}`).op('i8x16.shuffle', HIGH_LANES as unknown as number);
      f.op('f64x2.convert_low_i32x4_s');
      L('offV').op('f64x2.sub');
      L('scaleV').op('f64x2.mul');
      S(`R${h}${s}`);
    }
  }
  spec.variables.forEach((v, vi) => {
    if (v.kind !== 'index') return;
    // ok: clear and every input band has data on this date.
    const inputs = indexInputs[vi];
    inputs.forEach((s, i) => {
      L(`Z${s}`);
      if (i > 0) f.op('v128.or');
    });
    if (hasMask) {
      S('t');
      L('nm');
      L('t').op('v128.andnot');
    } else f.op('v128.not');
    S('ok');
    for (const h of ['L', 'H'] as const) {
      expr(v.ast, h, true);
      f.op('local.tee', 'x');
      L('x').op('f64x2.sub').op('v128.const', ZERO as unknown as number).op('f64x2.eq');
      L('ok').op(h === 'L' ? 'i64x2.extend_low_i32x4_s' : 'i64x2.extend_high_i32x4_s').op('v128.and');
      S('okh');
      L(`S${vi}${h}`);
      L('x');
      L('okh').op('v128.and').op('f64x2.add');
      S(`S${vi}${h}`);
      L(`N${vi}${h}`);
      L('okh').op('i64x2.sub');
      S(`N${vi}${h}`);
    }
  });
  if (hasMask) {
    f.op('end');
    advance('am', mask);
  }
  layout.bands.forEach((lay, s) => advance(`a${s}`, lay));
  L('d').op('i32.const', 1).op('i32.add');
  S('d');
  f.op('br', 0).op('end').op('end');

  // The quad's features, lane by lane (a lane past the last pixel is not stored).
  for (let k = 0; k < 4; k++) {
    f.op('block');
    L('q').op('i32.const', k).op('i32.add');
    L('nPixels').op('i32.ge_u').op('br_if', 0);
    L('q').op('i32.const', k).op('i32.add').op('i32.const', nf * 4).op('i32.mul');
    L('outPtr').op('i32.add');
    S('o');
    spec.variables.forEach((v, vi) => {
      if (v.kind === 'band') {
        // n = clear dates - zeros; mean = (sum - n * offset) / n, as the JavaScript kernel finishes its sums.
        if (hasMask) L('clear').op('i32x4.extract_lane', k);
        else L('nDates');
        L(`NZ${vi}`).op('i32x4.extract_lane', k).op('i32.sub');
        S('n');
        L('n').op('f64.convert_i32_s');
        S('nF');
      } else {
        L(`N${vi}${k < 2 ? 'L' : 'H'}`).op('i64x2.extract_lane', k & 1).op('f64.convert_i64_s');
        S('nF');
      }
      spec.reducers.forEach((r, ri) => {
        L('o');
        if (r === 'count') L('nF').op('f32.demote_f64');
        else {
          if (v.kind === 'band') {
            L(`S${vi}`).op('i32x4.extract_lane', k).op('f64.convert_i32_s');
            L('nF');
            L('offset').op('f64.mul').op('f64.sub');
          } else L(`S${vi}${k < 2 ? 'L' : 'H'}`).op('f64x2.extract_lane', k & 1);
          L('nF').op('f64.div').op('f32.demote_f64').op('f32.const', NAN_F32_BITS);
          L('nF').op('f64.const', 0).op('f64.gt').op('select');
        }
        f.op('f32.store', (vi * nr + ri) * 4);
      });
    });
    f.op('end');
  }
  L('q').op('i32.const', 4).op('i32.add');
  S('q');
  f.op('br', 0).op('end').op('end');
  return assembleModule(f);
}

function layerType(a: ArrayLike<number> | undefined): LayerType | null {
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint8Array) return 'uint8';
  return null;
}

const modules = new Map<string, WebAssembly.Module>();

/** The probability threshold as an integer with the same answer to `value > threshold` for integer values. */
function integerThreshold(t: number): number {
  if (Number.isNaN(t) || t >= 2 ** 31 - 1) return 2 ** 31 - 1;
  if (t < -(2 ** 31)) return -(2 ** 31);
  return Math.floor(t);
}

/**
 * Runs the SIMD kernel, or returns null when it cannot (spec, layer types, > 32,767 dates): the caller then
 * runs the JavaScript kernel. Layers outside `input.memory` are copied in.
 */
export function runWasmKernel(spec: KernelSpec, input: KernelInputs): Float32Array | null {
  if (!wasmSupportsSpec(spec) || input.nDates > 32767) return null;
  const bands = kernelBands(spec);
  const dm = input.dateMajor ?? new Set<string>();
  const bandLayouts: LayerLayout[] = [];
  for (const b of bands) {
    const type = layerType(input.layers[b]);
    if (!type) return null;
    bandLayouts.push({ type, dateMajor: dm.has(b) });
  }
  const m = input.mask;
  let maskLayout: WasmLayout['mask'];
  let maskValues: ArrayLike<number> | null = null;
  if (m.kind === 'none') maskLayout = { kind: 'none' };
  else {
    maskValues = m.kind === 'probability' ? m.probability : m.masked;
    const type = layerType(maskValues);
    if (!type) return null;
    maskLayout = { kind: m.kind, type, dateMajor: m.kind === 'probability' && dm.has(MASK_LAYER) };
  }
  const layout: WasmLayout = { bands: bandLayouts, mask: maskLayout };
  const key = JSON.stringify([spec, layout]);
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(generateWasmKernel(spec, layout) as BufferSource);
    modules.set(key, module);
  }

  const { nPixels, nDates } = input;
  const stride = input.planeStride ?? nPixels;
  const nf = spec.variables.length * spec.reducers.length;
  const arrays = [...bands.map((b) => input.layers[b] as unknown as ArrayBufferView & ArrayLike<number>), ...(maskValues ? [maskValues as unknown as ArrayBufferView & ArrayLike<number>] : [])];
  const layouts = [...bandLayouts, ...(maskLayout.kind === 'none' ? [] : [maskLayout])];
  const own = !input.memory;
  const mem = input.memory ?? takeKernelMemory();
  try {
    // Pointers of layers already in the memory first: placing the others may grow it, which detaches views.
    const ptrs = arrays.map((a) => (mem.holds(a) ? a.byteOffset : -1));
    const copyBytes = arrays.map((a, i) => (ptrs[i] >= 0 ? 0 : a.length * BYTES[layouts[i].type] + layerSlack(nDates, BYTES[layouts[i].type], layouts[i].dateMajor)));
    const outBytes = nPixels * nf * 4;
    // Each region may start up to 15 bytes later (16-byte alignment).
    if (own) {
      try {
        mem.reset(copyBytes.reduce((s, b) => s + b, 0) + outBytes + 16 * (arrays.length + 1));
      } catch {
        return null; // the memory cannot grow that far: the JavaScript kernel runs
      }
    }
    const outPtr = mem.region(outBytes);
    if (outPtr === undefined) return null;
    for (let i = 0; i < arrays.length; i++) {
      if (ptrs[i] >= 0) continue;
      const at = mem.region(copyBytes[i]);
      if (at === undefined) return null;
      const a = arrays[i];
      const Ctor = a.constructor as Uint16ArrayConstructor;
      new Ctor(mem.memory.buffer, at, a.length).set(a as Uint16Array);
      ptrs[i] = at;
    }
    let instance = mem.instances.get(module);
    if (!instance) {
      instance = new WebAssembly.Instance(module, { env: { memory: mem.memory } });
      mem.instances.set(module, instance);
    }
    const fn = instance.exports.fn as (...args: number[]) => void;
    const threshold = m.kind === 'probability' ? integerThreshold(m.threshold) : 0;
    const maskPtr = maskValues ? ptrs[bands.length] : 0;
    fn(nPixels, nDates, stride, outPtr, threshold, maskPtr, ...ptrs.slice(0, bands.length), input.dnOffset, input.reflectanceScale);
    return new Float32Array(mem.memory.buffer, outPtr, nPixels * nf).slice();
  } finally {
    if (own) releaseKernelMemory(mem);
  }
}
