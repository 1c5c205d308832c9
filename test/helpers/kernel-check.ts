// The body of a kernel property test: the kernel runs on guarded wasm buffers, the scalar
// reference on float64 copies, and every buffer (inputs too: a kernel must not write to
// the gradient) must agree bit for bit, with every guard element intact.
import { expect } from "vitest";
import type { DType } from "../../src/param.js";
import { Guarded } from "./guarded.js";

export const suffix = (dtype: DType): string => (dtype === "float32" ? "f32" : "f64");

export function expectKernelMatchesReference<K extends string>(
  dtype: DType,
  n: number,
  offset: number,
  initial: Record<K, number[]>,
  runKernel: (ptr: Record<K, number>) => void,
  runReference: (a: Record<K, Float64Array>) => void,
): void {
  const names = Object.keys(initial) as K[];
  const bufs = {} as Record<K, Guarded>;
  const ptr = {} as Record<K, number>;
  const ref = {} as Record<K, Float64Array>;
  for (const k of names) {
    bufs[k] = new Guarded(dtype, n, initial[k], offset);
    ptr[k] = bufs[k].ptr;
    ref[k] = Float64Array.from(initial[k]);
  }
  try {
    runKernel(ptr);
    runReference(ref);
    for (const k of names) {
      expect(Array.from(bufs[k].values), `buffer ${k}`).toEqual(Array.from(ref[k]));
      expect(bufs[k].guardsIntact(), `guards of ${k}`).toBe(true);
    }
  } finally {
    for (const k of names) bufs[k].free();
  }
}
