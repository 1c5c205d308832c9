/**
 * eps times sqrt(1 - beta2^t), the denominator's eps once the bias correction is folded into the
 * scalars (Adam, NAdam), in float64: at least the smallest value above 0 of the dtype `r` rounds
 * to (assembly/kernels.mjs, TINY), so that a zero gradient still divides 0 by a positive number.
 * The caller rounds it once.
 */
export function scaledEps(r: (x: number) => number, eps: number, bc2sqrt: number): number {
  const tiny = r(Number.MIN_VALUE) > 0 ? Number.MIN_VALUE : 2 ** -149; // float64 : float32
  return Math.max(eps * bc2sqrt, tiny);
}
