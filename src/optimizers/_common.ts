import type { StepScalar } from "../optimizer.js";
// Per-step scalar helpers the optimizer files share.
// Weight decay as the Adam-family kernels take it: coupled (L2, torch.optim.Adam: the
// gradient gets + weightDecay * p) or decoupled (torch.optim.AdamW and
// `decoupled_weight_decay=True`: p *= 1 - lr * weightDecay before the update). Two functions
// returning numbers rather than one returning a pair: shared by several optimizers, a
// helper that returned an object made Adam's step over 100 small params 27-67 % slower
// once NAdam had run in the same process (the allocation is no longer optimized away).

/** The kernels' `wd` argument: the L2 coefficient added to the gradient (0 when decoupled). */
export function l2Coefficient(weightDecay: number, decoupled: boolean): number {
  return decoupled ? 0 : weightDecay;
}

/**
 * The kernels' `l2` flag: 1 when the L2 coefficient is not 0. torch adds `weightDecay · p` to
 * the gradient only then, so with 0 a ±Infinity param stays ±Infinity (0 · Infinity is NaN).
 */
export function l2Flag(l2: number): number {
  return +(l2 !== 0);
}

/** The kernels' `decay` argument: the factor the params are multiplied by first (1 when coupled). */
export function decayFactor(lr: number, weightDecay: number, decoupled: boolean): number {
  return decoupled ? 1 - lr * weightDecay : 1;
}

// Worst-case per-step scalars (Optimizer.worstStepScalars) several rules share.

/** lr / (1 − β₁): a bias-corrected step size at t = 1, its largest (it falls to lr as t grows). */
export function correctedLrAtFirstStep(kind: string, lr: number, beta1: number): StepScalar {
  return {
    option: "lr",
    what: `${kind}'s step size lr / (1 − beta1) at step 1`,
    value: lr / (1 - beta1),
  };
}

/** 1 − lr · weightDecay: the factor decoupled weight decay multiplies the params by each step. */
export function decayAtEveryStep(lr: number, weightDecay: number): StepScalar {
  return {
    option: "weightDecay",
    what: `the decay factor 1 − lr · weightDecay (lr ${lr})`,
    value: 1 - lr * weightDecay,
  };
}
