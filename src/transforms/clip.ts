// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_, over the
// gradients of several params together. The norm is one SIMD reduction pass per param
// (f64 accumulation, src/vector.ts), the scaling one more, only when the coefficient is below 1.
import { InvalidOptionError, NonFiniteGradientError } from "../errors.js";
import { bool, nonNegative, optionsObject } from "../options.js";
import { trainable, withGrad, type Param } from "../param.js";
import { allFinite, clamp, maxabs, powsum, scale, sumabs, sumsq } from "../vector.js";

export function checkNormType(name: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0)) throw new InvalidOptionError(name, v, "a number > 0 or Infinity");
  return v;
}

/**
 * The norm of all gradients of `params` taken together (as one vector): one reduction pass.
 * Non-finite exactly when some gradient element is NaN or infinite, or when the float64 sum
 * overflows (float64 gradients, or a large p); `finiteGrads` tells the two apart.
 */
export function gradNorm(params: readonly Param[], normType: number): number {
  if (normType === Infinity) {
    let m = 0;
    for (const p of params)
      m = Math.max(
        m,
        withGrad(p, false, (ptr) => maxabs(p.dtype, ptr, p.size)),
      );
    return m;
  }
  let s = 0;
  for (const p of params) s += withGrad(p, false, (ptr) => powerSum(p, ptr, normType));
  return normType === 2 ? Math.sqrt(s) : s ** (1 / normType);
}

/** sum |g|^p over one gradient: the 1- and 2-norms by their own SIMD kernels, other p by Math.pow. */
function powerSum(p: Param, ptr: number, normType: number): number {
  if (normType === 2) return sumsq(p.dtype, ptr, p.size);
  if (normType === 1) return sumabs(p.dtype, ptr, p.size);
  return powsum(p.dtype, ptr, p.size, normType);
}

/** true when every gradient element of `params` is finite (one pass each). */
export function finiteGrads(params: readonly Param[]): boolean {
  return params.every((p) => withGrad(p, false, (ptr) => allFinite(p.dtype, ptr, p.size)));
}

/**
 * torch's clip: scales every gradient of `params` by coef = maxNorm / (total + 1e-6) (rounded
 * once to the param's dtype) when coef is below 1; a NaN coefficient (NaN total) scales too.
 */
export function clipToNorm(params: readonly Param[], maxNorm: number, total: number): void {
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  if (!(coef >= 1)) for (const p of params) withGrad(p, true, (ptr) => scale(p.dtype, ptr, ptr, p.size, coef));
}

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /**
   * Throw {@link NonFiniteGradientError} (changing nothing) when the total norm is NaN or infinite (torch's `error_if_nonfinite`).
   * @defaultValue `false`
   */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `params` so that their global norm (all gradients as one vector)
 * is at most `maxNorm`, as torch.nn.utils.clip_grad_norm_: coef = maxNorm / (total + 1e-6),
 * applied when below 1. Returns the total norm before clipping. `normType` may be any p > 0
 * or Infinity (max |g|). Params with requiresGrad false are left out. As in torch, a NaN or
 * infinite norm turns the gradients into NaN or zeros unless `errorIfNonfinite` is set;
 * skipNonFinite() skips such steps instead.
 */
export function clipGradNorm(params: Iterable<Param>, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): number {
  nonNegative("maxNorm", maxNorm);
  checkNormType("normType", normType);
  const errorIfNonfinite = bool("errorIfNonfinite", optionsObject(options, "options", ["errorIfNonfinite"]).errorIfNonfinite ?? false);
  const list = trainable(params);
  const total = gradNorm(list, normType);
  if (!Number.isFinite(total) && errorIfNonfinite) {
    throw new NonFiniteGradientError(`wasm-optim: the total ${normType}-norm of the gradients is ${total}; nothing was clipped`);
  }
  clipToNorm(list, maxNorm, total);
  return total;
}

/** Clamps every gradient element of `params` to [-clip, clip], as torch.nn.utils.clip_grad_value_. */
export function clipGradValue(params: Iterable<Param>, clip: number): void {
  nonNegative("clip", clip);
  for (const p of trainable(params)) withGrad(p, true, (ptr) => clamp(p.dtype, ptr, ptr, p.size, -clip, clip));
}
