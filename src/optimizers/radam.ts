import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { cachedPow, decayFactor, l2Coefficient } from "./_common.js";

export interface RAdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** L2 penalty added to the gradient, or (decoupledWeightDecay) p *= 1 - lr*weightDecay. */
  weightDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

const schema: Schema<RAdamOptions> = {
  lr: { default: 1e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  decoupledWeightDecay: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const radam = kernelsByDType("radam");
const BUFFERS = ["exp_avg", "exp_avg_sq"];

/**
 * RAdam (Liu et al. 2020), as torch.optim.RAdam: while the variance of the adaptive step
 * is intractable (rho_t <= 5) a plain bias-corrected momentum step, then the rectified
 * Adam step. The switch and the rectification factor are computed here, per step.
 */
export class RAdam extends FirstOrderOptimizer<RAdamOptions> {
  static readonly kind: string = "RAdam";

  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<RAdamOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(p: Param, group: ParamGroup<RAdamOptions>, s: ParamState): void {
    const t = ++s.step;
    const [b1, b2] = group.betas;
    const bc1 = 1 - cachedPow(b1, t);
    const bc2 = 1 - cachedPow(b2, t);
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * t * cachedPow(b2, t)) / bc2;
    const rectified = rhoT > 5;
    const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    const step = rectified ? (-group.lr * rect * Math.sqrt(bc2)) / bc1 : -group.lr / bc1;
    const l2 = l2Coefficient(group.weightDecay, group.decoupledWeightDecay);
    const decay = decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay);
    const m = s.buffer("exp_avg").ptr;
    const v = s.buffer("exp_avg_sq").ptr;
    radam[p.dtype](
      p.dataPtr,
      p.gradPtr,
      m,
      v,
      p.size,
      step,
      b1,
      b2,
      group.eps,
      l2,
      decay,
      signOf(group.maximize),
      +rectified,
      plainOf(l2, group.maximize),
    );
  }
}
