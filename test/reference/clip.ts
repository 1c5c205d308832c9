// Readable scalar versions of the clipping / finite-check / accumulation kernels, the ground
// truth the SIMD kernels are tested against. sumsq follows the kernel's summation order
// (assembly/clip.ts) so that a correct kernel agrees to the bit.
import type { DType } from "../../src/param.js";

/**
 * Σ x² in float64: 16-byte chunks (4 float32 or 2 float64) alternate between accumulators
 * a0 and a1 (a leftover chunk goes to a0); a float32 chunk adds (x0² + x2², x1² + x3²), a
 * float64 chunk (x0², x1²); the tail elements go to t in order; result (s0 + s1) + t with s = a0 + a1.
 */
export function sumsqReference(dtype: DType, x: ArrayLike<number>): number {
  const lanes = dtype === "float32" ? 4 : 2;
  const chunks = Math.floor(x.length / lanes);
  const a = [[0, 0], [0, 0]] as [[number, number], [number, number]];
  for (let c = 0; c < chunks; c++) {
    const acc = a[c % 2]!;
    const e = (i: number) => x[c * lanes + i]!;
    if (lanes === 4) {
      acc[0] += e(0) * e(0) + e(2) * e(2);
      acc[1] += e(1) * e(1) + e(3) * e(3);
    } else {
      acc[0] += e(0) * e(0);
      acc[1] += e(1) * e(1);
    }
  }
  let t = 0;
  for (let i = chunks * lanes; i < x.length; i++) t += x[i]! * x[i]!;
  return (a[0][0] + a[1][0]) + (a[0][1] + a[1][1]) + t;
}

/** Σ |x|^p in element order (float64). */
export function powsumReference(x: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]!) ** p;
  return s;
}

/** max |x| (NaN if any element is NaN); 0 for no elements. */
export function maxabsReference(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

export function allfiniteReference(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return false;
  return true;
}

/** x = c*x with c rounded once to the dtype (`r`), the product rounded too. */
export function scaleReference(r: (x: number) => number, x: Float64Array, c: number): void {
  const rc = r(c);
  for (let i = 0; i < x.length; i++) x[i] = r(x[i]! * rc);
}

/** x = min(max(x, lo), hi), NaN staying NaN (IEEE minimum/maximum, as wasm's and Math's). */
export function clampReference(r: (x: number) => number, x: Float64Array, lo: number, hi: number): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i]!, r(lo)), r(hi));
}

/** acc = acc + g (mean = false) or g = (acc + g) / k (mean = true), rounded after each op. */
export function accumulateReference(r: (x: number) => number, acc: Float64Array, g: Float64Array, k: number, mean: boolean): void {
  for (let i = 0; i < g.length; i++) {
    const s = r(acc[i]! + g[i]!);
    if (mean) g[i] = r(s / r(k));
    else acc[i] = s;
  }
}
