/**
 * WebAssembly memories the SIMD composite kernel runs in, one per window in flight on a thread. The window's
 * layers are decoded straight into views of it (evaluateComposite asks for them before reading), so the
 * kernel reads them where the decoder wrote them: copying ~100 MB of a 72-date window in would cost a third
 * of what the kernel does.
 *
 * A memory only grows in reset(), before any view of it is handed out: growing detaches every view.
 */
import type { RasterDataType, TypedArray } from '../../io/geotiff/read.ts';
import { registerPredictorMemory } from '../../io/geotiff/predictorWasm.ts';

const PAGE = 65536;

export class KernelMemory {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  /** Instances of kernel modules over this memory. */
  readonly instances = new Map<WebAssembly.Module, WebAssembly.Instance>();
  private top = 0;
  private limit = 0;

  constructor() {
    // Chunks decoded into this memory have their predictor undone in place (io/geotiff/predictorWasm.ts).
    registerPredictorMemory(this.memory);
  }

  /** Forgets every region and makes room for `bytes` (detaching older views if it has to grow). */
  reset(bytes: number): void {
    this.top = 0;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.limit = bytes;
  }

  /** A region of `bytes` (16-byte aligned), or undefined when the reservation is used up. */
  region(bytes: number): number | undefined {
    const at = Math.ceil(this.top / 16) * 16;
    if (at + bytes > this.limit) return undefined;
    this.top = at + bytes;
    return at;
  }

  /** A typed array of `length` values in this memory followed by `slack` spare bytes the kernel may read. */
  view(dataType: RasterDataType, length: number, slack: number): TypedArray | undefined {
    const Ctor = VIEWS[dataType];
    if (!Ctor) return undefined;
    const at = this.region(length * Ctor.BYTES_PER_ELEMENT + slack);
    return at === undefined ? undefined : new Ctor(this.memory.buffer, at, length);
  }

  holds(a: ArrayBufferView): boolean {
    return a.buffer === this.memory.buffer;
  }
}

/** The data types the kernel reads (see compositeKernelWasm.ts). */
const VIEWS: Partial<Record<RasterDataType, Uint8ArrayConstructor | Uint16ArrayConstructor | Int16ArrayConstructor>> = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  int16: Int16Array,
};

const idle: KernelMemory[] = [];

/** A memory for one window; give it back with releaseKernelMemory once the window's composite is out. */
export function takeKernelMemory(): KernelMemory {
  return idle.pop() ?? new KernelMemory();
}

export function releaseKernelMemory(m: KernelMemory): void {
  // One idle memory per thread is enough (a worker runs one window at a time); more would only hold RAM.
  if (idle.length === 0) idle.push(m);
}
