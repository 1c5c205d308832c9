import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
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

/** RAdam's scalars at step t: the switch to the rectified step and its size. */
function radamScalars(group: ParamGroup<RAdamOptions>, t: number) {
  const [b1, b2] = group.betas;
  const bc1 = 1 - cachedPow(b1, t);
  const bc2 = 1 - cachedPow(b2, t);
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * t * cachedPow(b2, t)) / bc2;
  const rectified = rhoT > 5;
  const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
  return {
    step: rectified ? (-group.lr * rect * Math.sqrt(bc2)) / bc1 : -group.lr / bc1,
    rectified,
    l2: l2Coefficient(group.weightDecay, group.decoupledWeightDecay),
    decay: decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay),
    sign: signOf(group.maximize),
  };
}

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

  protected update(r: Run, group: ParamGroup<RAdamOptions>): void {
    const c = this.stepScalars(group, r.advance(), radamScalars);
    const [b1, b2] = group.betas;
    radam[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_avg_sq"),
      r.size,
      c.step,
      b1,
      b2,
      group.eps,
      c.l2,
      c.decay,
      c.sign,
      +c.rectified,
    );
  }
}
