// Per-step scalar helpers the optimizer files share.
import type { ParamGroup } from "../optimizer.js";

// base ** exp for the per-step scalars (bias corrections, NAdam's mu), remembered: every
// param of a group asks for the same powers in a step, and Math.pow costs about 50 ns here —
// a quarter of the fixed cost of stepping a small param.
const SIZE = 8;
const bases = new Float64Array(SIZE).fill(NaN);
const exps = new Float64Array(SIZE);
const values = new Float64Array(SIZE);
let next = 0;

/** base ** exp, exactly, from a small cache of the last 8 distinct pairs. */
export function cachedPow(base: number, exp: number): number {
  for (let i = 0; i < SIZE; i++) if (bases[i] === base && exps[i] === exp) return values[i]!;
  const v = base ** exp;
  bases[next] = base;
  exps[next] = exp;
  values[next] = v;
  next = (next + 1) % SIZE;
  return v;
}

/** The two weight-decay scalars of the Adam-family kernels. */
export interface WeightDecayScalars {
  /** L2 coefficient added to the gradient (0 when decoupled). */
  readonly l2: number;
  /** Factor the params are multiplied by before the update (1 when coupled). */
  readonly decay: number;
}

/**
 * Coupled (L2: g += weightDecay * p, torch.optim.Adam) or decoupled (p *= 1 - lr *
 * weightDecay, torch.optim.AdamW / `decoupled_weight_decay=True`) weight decay, as the
 * kernels' `wd` and `decay` arguments.
 */
export function weightDecayScalars(group: ParamGroup<{ lr: number; weightDecay: number }>, decoupled: boolean): WeightDecayScalars {
  return decoupled ? { l2: 0, decay: 1 - group.lr * group.weightDecay } : { l2: group.weightDecay, decay: 1 };
}
