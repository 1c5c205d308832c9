import { betaPair, bool, epsilon, nonNegative } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";
import { pow } from "../pow.js";

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

const radam = kernelPair("radam");
const BUFFERS = ["exp_avg", "exp_avg_sq"];

/**
 * RAdam (Liu et al. 2020), as torch.optim.RAdam: while the variance of the adaptive step
 * is intractable (rho_t <= 5) a plain bias-corrected momentum step, then the rectified
 * Adam step. The switch and the rectification factor are computed here, per step.
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_g: ParamGroup<RAdamOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(p: Param, g: ParamGroup<RAdamOptions>, s: ParamState): void {
    const t = ++s.step;
    const [b1, b2] = g.betas;
    const bc1 = 1 - pow(b1, t);
    const bc2 = 1 - pow(b2, t);
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * t * pow(b2, t)) / bc2;
    const rectified = rhoT > 5;
    const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    const step = rectified ? (-g.lr * rect * Math.sqrt(bc2)) / bc1 : -g.lr / bc1;
    const wd = g.decoupledWeightDecay ? 0 : g.weightDecay;
    const decay = g.decoupledWeightDecay ? 1 - g.lr * g.weightDecay : 1;
    const m = s.buffer("exp_avg").ptr;
    const v = s.buffer("exp_avg_sq").ptr;
    radam[p.dtype](p.dataPtr, p.gradPtr, m, v, p.size, step, b1, b2, g.eps, wd, decay, signOf(g.maximize), +rectified);
  }
}
