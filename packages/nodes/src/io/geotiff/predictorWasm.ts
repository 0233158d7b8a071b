/**
 * Predictor 2 (horizontal differencing) undone with WebAssembly SIMD, for 8- and 16-bit samples: a prefix sum
 * along each row for band-interleaved chunks (one sample per pixel; three shift-and-add steps per 8 or 16
 * samples plus the carry), and a vector add of the previous pixel's samples for pixel-interleaved ones (a
 * 72-date stack has 72 samples per pixel). In JavaScript this loop cost ~1 ns a sample, about as much as
 * inflating it.
 *
 * The chunk is undone where it was decoded when that is a registered WebAssembly memory (the composite
 * kernel's, see raster/wasm/kernelMemory.ts), else copied through this module's own memory. Wrapping is
 * modulo the sample width, as libtiff's encoder wraps, for signed and unsigned types alike.
 */
import { assembleModule, FunctionBody, I32, V128 } from '../../kernels/wasm/assemble.ts';

type Kind = 'prefix8' | 'prefix16' | 'add8' | 'add16';
type Undo = (ptr: number, rowSamples: number, rows: number, stride: number) => void;

const ZERO = new Uint8Array(16);
const bytes16 = (a: number[]) => a as unknown as number;

/** Lane shifts towards higher lanes by `lanes` lanes of `width` bytes (zeros shifted in): shuffle(zero, x). */
function shiftUp(lanes: number, width: number): number[] {
  const k = lanes * width;
  return Array.from({ length: 16 }, (_, i) => (i < k ? i : 16 + i - k));
}

function generate(kind: Kind): Uint8Array {
  const width = kind.endsWith('16') ? 2 : 1;
  const f = new FunctionBody([['ptr', I32], ['rowSamples', I32], ['rows', I32], ['stride', I32]]);
  for (const n of ['r', 'row', 'i', 'end', 'c', 'back']) f.local(n, I32);
  for (const n of ['x', 'carry']) f.local(n, V128);
  const L = (n: string) => f.op('local.get', n);
  const S = (n: string) => f.op('local.set', n);
  const load = width === 2 ? 'i32.load16_u' : 'i32.load8_u';
  const store = width === 2 ? 'i32.store16' : 'i32.store8';
  const add = width === 2 ? 'i16x8.add' : 'i8x16.add';

  // back = stride in bytes (pixel-interleaved: the previous pixel's same sample)
  L('stride').op('i32.const', width).op('i32.mul');
  S('back');
  f.op('i32.const', 0);
  S('r');
  f.op('block').op('loop');
  L('r');
  L('rows').op('i32.ge_u').op('br_if', 1);
  L('r');
  L('rowSamples').op('i32.mul').op('i32.const', width).op('i32.mul');
  L('ptr').op('i32.add');
  S('row');
  L('row');
  L('rowSamples').op('i32.const', width).op('i32.mul').op('i32.add');
  S('end');
  if (kind.startsWith('prefix')) {
    f.op('v128.const', bytes16([...ZERO]));
    S('carry');
    L('row');
    S('i');
    // whole vectors: x = prefix sum of x within the vector, plus the carry (the previous vector's last sample)
    f.op('block').op('loop');
    L('i').op('i32.const', 16).op('i32.add');
    L('end').op('i32.gt_s').op('br_if', 1);
    L('i').op('v128.load');
    S('x');
    for (let lanes = 1; lanes < 16 / width; lanes *= 2) {
      L('x').op('v128.const', bytes16([...ZERO]));
      L('x').op('i8x16.shuffle', bytes16(shiftUp(lanes, width))).op(add);
      S('x');
    }
    L('x');
    L('carry').op(add);
    S('x');
    L('i');
    L('x').op('v128.store');
    const last = Array.from({ length: 16 }, (_, i) => 16 - width + (i % width));
    L('x');
    L('x').op('i8x16.shuffle', bytes16(last));
    S('carry');
    L('i').op('i32.const', 16).op('i32.add');
    S('i');
    f.op('br', 0).op('end').op('end');
    // the rest one sample at a time
    L('carry').op(width === 2 ? 'i16x8.extract_lane_u' : 'i8x16.extract_lane_u', 0);
    S('c');
    f.op('block').op('loop');
    L('i');
    L('end').op('i32.ge_u').op('br_if', 1);
    L('c');
    L('i').op(load).op('i32.add');
    S('c');
    L('i');
    L('c').op(store);
    L('i').op('i32.const', width).op('i32.add');
    S('i');
    f.op('br', 0).op('end').op('end');
  } else {
    // i = row + back: each vector adds the same samples of the pixel before, all already final (stride >= a vector)
    L('row');
    L('back').op('i32.add');
    S('i');
    f.op('block').op('loop');
    L('i').op('i32.const', 16).op('i32.add');
    L('end').op('i32.gt_s').op('br_if', 1);
    L('i');
    L('i').op('v128.load');
    L('i');
    L('back').op('i32.sub').op('v128.load').op(add).op('v128.store');
    L('i').op('i32.const', 16).op('i32.add');
    S('i');
    f.op('br', 0).op('end').op('end');
    f.op('block').op('loop');
    L('i');
    L('end').op('i32.ge_u').op('br_if', 1);
    L('i');
    L('i').op(load);
    L('i');
    L('back').op('i32.sub').op(load).op('i32.add').op(store);
    L('i').op('i32.const', width).op('i32.add');
    S('i');
    f.op('br', 0).op('end').op('end');
  }
  L('r').op('i32.const', 1).op('i32.add');
  S('r');
  f.op('br', 0).op('end').op('end');
  return assembleModule(f);
}

const modules = new Map<Kind, WebAssembly.Module>();
function moduleOf(kind: Kind): WebAssembly.Module {
  let m = modules.get(kind);
  if (!m) {
    m = new WebAssembly.Module(generate(kind) as BufferSource);
    modules.set(kind, m);
  }
  return m;
}

const registered: WeakRef<WebAssembly.Memory>[] = [];
const instances = new WeakMap<WebAssembly.Memory, Map<Kind, Undo>>();

/** Lets chunks decoded into `memory` be undone in place (the composite kernel registers its memories). */
export function registerPredictorMemory(memory: WebAssembly.Memory): void {
  for (let i = registered.length - 1; i >= 0; i--) if (!registered[i].deref()) registered.splice(i, 1);
  registered.push(new WeakRef(memory));
}

function memoryHolding(buffer: ArrayBufferLike): WebAssembly.Memory | undefined {
  for (const ref of registered) {
    const m = ref.deref();
    if (m && m.buffer === buffer) return m;
  }
  return undefined;
}

function undoIn(memory: WebAssembly.Memory, kind: Kind): Undo {
  let byKind = instances.get(memory);
  if (!byKind) instances.set(memory, (byKind = new Map()));
  let fn = byKind.get(kind);
  if (!fn) {
    fn = new WebAssembly.Instance(moduleOf(kind), { env: { memory } }).exports.fn as Undo;
    byKind.set(kind, fn);
  }
  return fn;
}

const own = { memory: null as WebAssembly.Memory | null };

/**
 * Undoes predictor 2 on `bytes` (rows x rowSamples samples, `stride` samples per pixel) if SIMD applies —
 * 1- or 2-byte samples, and one sample per pixel or at least a vector's worth — and returns whether it did.
 */
export function undoHorizontalSimd(bytes: Uint8Array, bytesPerSample: number, rowSamples: number, rows: number, stride: number): boolean {
  if (process.env.SENTIFLOW_KERNEL === 'js' || (bytesPerSample !== 1 && bytesPerSample !== 2)) return false;
  const perVector = 16 / bytesPerSample;
  const kind: Kind | null = stride === 1 ? (bytesPerSample === 2 ? 'prefix16' : 'prefix8') : stride >= perVector ? (bytesPerSample === 2 ? 'add16' : 'add8') : null;
  if (!kind) return false;
  const n = rowSamples * rows * bytesPerSample;
  const home = memoryHolding(bytes.buffer);
  if (home) {
    undoIn(home, kind)(bytes.byteOffset, rowSamples, rows, stride);
    return true;
  }
  // Elsewhere: through this module's memory (two copies cost less than the JavaScript loop).
  const have = own.memory?.buffer.byteLength ?? 0;
  if (!own.memory || have < n) {
    own.memory = new WebAssembly.Memory({ initial: Math.ceil(n / 65536) });
  }
  const view = new Uint8Array(own.memory.buffer, 0, n);
  view.set(bytes.subarray(0, n));
  undoIn(own.memory, kind)(0, rowSamples, rows, stride);
  bytes.set(view);
  return true;
}
