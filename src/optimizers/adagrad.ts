import { bool, epsilon, nonNegative } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";

export interface AdagradOptions {
  lr: number;
  /** lr is divided by 1 + (t - 1) * lrDecay. */
  lrDecay: number;
  weightDecay: number;
  /** Starting value of the sum of squared gradients. */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const schema: Schema<AdagradOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  lrDecay: { default: 0, check: nonNegative },
  weightDecay: { default: 0, check: nonNegative },
  initialAccumulatorValue: { default: 0, check: nonNegative },
  eps: { default: 1e-10, check: epsilon },
  maximize: { default: false, check: bool },
};

const adagrad = kernelPair("adagrad");

/** Adagrad (Duchi et al. 2011), as torch.optim.Adagrad: eps outside the sqrt. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, options, schema);
    // as torch, the accumulator exists from construction, filled with the initial value
    for (const g of this.paramGroups) for (const p of g.params) this.stateOf(p).buffer("sum", g.initialAccumulatorValue);
  }

  protected stateBuffers(g: ParamGroup<AdagradOptions>): readonly StateBufferSpec[] {
    return [{ name: "sum", init: g.initialAccumulatorValue }];
  }

  protected update(p: Param, g: ParamGroup<AdagradOptions>, s: ParamState): void {
    const t = ++s.step;
    const clr = g.lr / (1 + (t - 1) * g.lrDecay);
    const sum = s.buffer("sum", g.initialAccumulatorValue);
    adagrad[p.dtype](p.dataPtr, p.gradPtr, sum.ptr, p.size, clr, g.eps, g.weightDecay, signOf(g.maximize));
  }
}
