import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { cachedPow } from "./_common.js";

export interface AdamaxOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** L2 penalty, added to the gradient. */
  weightDecay: number;
  maximize: boolean;
}

const schema: Schema<AdamaxOptions> = {
  lr: { default: 2e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const adamax = kernelsByDType("adamax");
const BUFFERS = ["exp_avg", "exp_inf"];

/** lr / (1 - beta1^t): only the first moment is bias-corrected. */
const correctedLr = (group: ParamGroup<AdamaxOptions>, t: number): number => group.lr / (1 - cachedPow(group.betas[0], t));

/**
 * Adamax (Kingma & Ba 2015, the infinity-norm Adam), as torch.optim.Adamax: eps is added
 * to |g| inside the max; only the first moment is bias-corrected.
 */
export class Adamax extends FirstOrderOptimizer<AdamaxOptions> {
  static readonly kind: string = "Adamax";

  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<AdamaxOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<AdamaxOptions>): void {
    const clr = this.stepScalars(group, r.advance(), correctedLr);
    const [b1, b2] = group.betas;
    adamax[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_inf"),
      r.size,
      clr,
      b1,
      b2,
      group.eps,
      group.weightDecay,
      signOf(group.maximize),
    );
  }
}
