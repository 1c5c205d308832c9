import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { cachedPow, decayFactor, l2Coefficient } from "./_common.js";

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of the params. */
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export const adamSchema = (weightDecay: number): Schema<AdamOptions> => ({
  lr: { default: 1e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: weightDecay, check: nonNegative },
  amsgrad: { default: false, check: bool },
  maximize: { default: false, check: bool },
});

const adam = kernelsByDType("adam");
const schema = adamSchema(0);

const MOMENTS = ["exp_avg", "exp_avg_sq"];
const MOMENTS_AMSGRAD = [...MOMENTS, "max_exp_avg_sq"];

/** The state buffers of Adam and AdamW. */
export const adamBuffers = (group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] => (group.amsgrad ? MOMENTS_AMSGRAD : MOMENTS);

/**
 * One Adam step of `p`; `decoupled` selects AdamW's weight decay (p *= 1 - lr*wd first)
 * over Adam's L2 term. Bias corrections are computed here, in float64, as torch does.
 */
export function adamUpdate(p: Param, group: ParamGroup<AdamOptions>, s: ParamState, decoupled: boolean): void {
  const t = ++s.step;
  const [b1, b2] = group.betas;
  const stepSize = group.lr / (1 - cachedPow(b1, t));
  const bc2sqrt = Math.sqrt(1 - cachedPow(b2, t));
  const l2 = l2Coefficient(group.weightDecay, decoupled);
  const decay = decayFactor(group.lr, group.weightDecay, decoupled);
  const m = s.buffer("exp_avg").ptr;
  const v = s.buffer("exp_avg_sq").ptr;
  const vmax = group.amsgrad ? s.buffer("max_exp_avg_sq").ptr : 0;
  adam[p.dtype](
    p.dataPtr,
    p.gradPtr,
    m,
    v,
    vmax,
    p.size,
    stepSize,
    b1,
    b2,
    bc2sqrt,
    group.eps,
    l2,
    decay,
    signOf(group.maximize),
    +group.amsgrad,
    plainOf(l2, group.maximize),
  );
}

/** Adam (Kingma & Ba 2015) with bias correction, as torch.optim.Adam (L2 weight decay). */
export class Adam extends FirstOrderOptimizer<AdamOptions> {
  static readonly kind: string = "Adam";

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(p: Param, group: ParamGroup<AdamOptions>, s: ParamState): void {
    adamUpdate(p, group, s, false);
  }
}
