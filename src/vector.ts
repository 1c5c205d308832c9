// Typed wrappers over the vector kernels of assembly/vector.ts. Every function takes the
// dtype, byte addresses into wasm memory (WasmBuffer.ptr, Param.dataPtr / gradPtr) and an
// element count. Reductions return a float64 and accumulate in float64 (float32 data is
// widened first), in blocked partial sums. Used by L-BFGS, minimize, Newton, gradient clipping
// and the non-finite step guard.
import type { DType } from "./param.js";
import { vectorKernels } from "./runtime/kernels.js";

/** @internal The raw kernels by dtype (for hot loops that want to skip the dtype switch). */
export { vectorKernels };

/** sum x[i]*y[i] */
export function dot(dtype: DType, x: number, y: number, n: number): number {
  return vectorKernels[dtype].dot(x, y, n);
}
/** sum x[i]^2, the squared 2-norm */
export function sumsq(dtype: DType, x: number, n: number): number {
  return vectorKernels[dtype].sumsq(x, n);
}
/** sum |x[i]|, the 1-norm */
export function sumabs(dtype: DType, x: number, n: number): number {
  return vectorKernels[dtype].sumabs(x, n);
}
/** max |x[i]|, the inf-norm (0 for n = 0; NaN if some element is NaN) */
export function maxabs(dtype: DType, x: number, n: number): number {
  return vectorKernels[dtype].maxabs(x, n);
}
/** sum |x[i]|^p, the p-th power of the p-norm (p > 0; Math.pow per element) */
export function powsum(dtype: DType, x: number, n: number, p: number): number {
  return vectorKernels[dtype].powsum(x, n, p);
}
/** true when no element is +-Infinity or NaN */
export function allFinite(dtype: DType, x: number, n: number): boolean {
  return vectorKernels[dtype].allfinite(x, n) === 1;
}
/**
 * x = a*x + b*y, then returns sum z[i]*x[i] with the new x (one pass: a step of the L-BFGS
 * two-loop recursion). z may be x itself (then it returns the squared norm of the new x).
 */
export function axpbyDot(dtype: DType, x: number, y: number, z: number, n: number, a: number, b: number): number {
  return vectorKernels[dtype].axpbyDot(x, y, z, n, a, b);
}
/** out = a*x + b*y (out may be x or y) */
export function axpby(dtype: DType, out: number, x: number, y: number, n: number, a: number, b: number): void {
  vectorKernels[dtype].axpby(out, x, y, n, a, b);
}
/** x = x + b*y */
export function axpy(dtype: DType, x: number, y: number, n: number, b: number): void {
  vectorKernels[dtype].axpy(x, y, n, b);
}
/** out = a*x (out may be x: in place is the faster case) */
export function scale(dtype: DType, out: number, x: number, n: number, a: number): void {
  vectorKernels[dtype].scale(out, x, n, a);
}
/** out = x (out and x must not overlap, unless equal) */
export function copy(dtype: DType, out: number, x: number, n: number): void {
  vectorKernels[dtype].copy(out, x, n);
}
/** out = min(max(x, lo), hi), lo and hi rounded once to the dtype; NaN stays NaN (out may be x) */
export function clamp(dtype: DType, out: number, x: number, n: number, lo: number, hi: number): void {
  vectorKernels[dtype].clamp(out, x, n, lo, hi);
}
