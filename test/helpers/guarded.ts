// Buffers in wasm memory with guard elements before and after, for kernel property tests:
// a kernel called on the middle part must leave every guard value exactly as it was.
import { WasmBuffer, type DType, type FloatArray } from "../../src/param.js";

export const GUARD = 16; // elements on each side
const SENTINEL = -7777.25; // exact in float32 and float64

export class Guarded {
  readonly #buf: WasmBuffer;
  /** `offset` (0..3) shifts the start off the 64-byte alignment the allocator gives. */
  constructor(
    readonly dtype: DType,
    readonly n: number,
    values: ArrayLike<number>,
    readonly offset = 0,
  ) {
    this.#buf = new WasmBuffer(dtype, n + 2 * GUARD + offset);
    const all = this.#buf.view;
    all.fill(SENTINEL);
    all.set(values, GUARD + offset);
  }
  /** Byte address of element 0 of the middle part. */
  get ptr(): number {
    return this.#buf.ptr + (GUARD + this.offset) * (this.dtype === "float64" ? 8 : 4);
  }
  /** The middle part. */
  get values(): FloatArray {
    return this.#buf.view.subarray(GUARD + this.offset, GUARD + this.offset + this.n);
  }
  /** true when every guard element still holds the sentinel. */
  guardsIntact(): boolean {
    const all = this.#buf.view;
    for (let i = 0; i < all.length; i++) {
      if (i >= GUARD + this.offset && i < GUARD + this.offset + this.n) continue;
      if (all[i] !== SENTINEL) return false;
    }
    return true;
  }
  free(): void {
    this.#buf.free();
  }
}

/** Rounds like the buffer's dtype (the scalar references compute in it). */
export const rounder = (dtype: DType): ((x: number) => number) => (dtype === "float32" ? Math.fround : (x) => x);
