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
export const dot = (dtype: DType, x: number, y: number, n: number): number => vectorKernels[dtype].dot(x, y, n);
/** sum x[i]^2, the squared 2-norm */
export const sumsq = (dtype: DType, x: number, n: number): number => vectorKernels[dtype].sumsq(x, n);
/** sum |x[i]|, the 1-norm */
export const sumabs = (dtype: DType, x: number, n: number): number => vectorKernels[dtype].sumabs(x, n);
/** max |x[i]|, the inf-norm (0 for n = 0; NaN if some element is NaN) */
export const maxabs = (dtype: DType, x: number, n: number): number => vectorKernels[dtype].maxabs(x, n);
/** sum |x[i]|^p, the p-th power of the p-norm (p > 0; Math.pow per element) */
export const powsum = (dtype: DType, x: number, n: number, p: number): number => vectorKernels[dtype].powsum(x, n, p);
/** true when no element is +-Infinity or NaN */
export const allFinite = (dtype: DType, x: number, n: number): boolean => vectorKernels[dtype].allfinite(x, n) === 1;
/**
 * x = a*x + b*y, then returns sum z[i]*x[i] with the new x (one pass: a step of the L-BFGS
 * two-loop recursion). z may be x itself (then it returns the squared norm of the new x).
 */
export const axpbyDot = (dtype: DType, x: number, y: number, z: number, n: number, a: number, b: number): number =>
  vectorKernels[dtype].axpbyDot(x, y, z, n, a, b);
/** out = a*x + b*y (out may be x or y) */
export const axpby = (dtype: DType, out: number, x: number, y: number, n: number, a: number, b: number): void =>
  vectorKernels[dtype].axpby(out, x, y, n, a, b);
/** x = x + b*y */
export const axpy = (dtype: DType, x: number, y: number, n: number, b: number): void => vectorKernels[dtype].axpy(x, y, n, b);
/** out = a*x (out may be x: in place is the faster case) */
export const scale = (dtype: DType, out: number, x: number, n: number, a: number): void => vectorKernels[dtype].scale(out, x, n, a);
/** out = x (out and x must not overlap, unless equal) */
export const copy = (dtype: DType, out: number, x: number, n: number): void => vectorKernels[dtype].copy(out, x, n);
/** out = min(max(x, lo), hi), lo and hi rounded once to the dtype; NaN stays NaN (out may be x) */
export const clamp = (dtype: DType, out: number, x: number, n: number, lo: number, hi: number): void =>
  vectorKernels[dtype].clamp(out, x, n, lo, hi);
