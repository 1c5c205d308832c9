import { betaPair, bool, epsilon, nonNegative } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";
import { pow } from "../pow.js";

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

const adamax = kernelPair("adamax");
const BUFFERS = ["exp_avg", "exp_inf"];

/**
 * Adamax (Kingma & Ba 2015, the infinity-norm Adam), as torch.optim.Adamax: eps is added
 * to |g| inside the max; only the first moment is bias-corrected.
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_g: ParamGroup<AdamaxOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(p: Param, g: ParamGroup<AdamaxOptions>, s: ParamState): void {
    const t = ++s.step;
    const [b1, b2] = g.betas;
    const clr = g.lr / (1 - pow(b1, t));
    const m = s.buffer("exp_avg").ptr;
    const u = s.buffer("exp_inf").ptr;
    adamax[p.dtype](p.dataPtr, p.gradPtr, m, u, p.size, clr, b1, b2, g.eps, g.weightDecay, signOf(g.maximize));
  }
}
