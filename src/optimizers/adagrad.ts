import { bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

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

const adagrad = kernelsByDType("adagrad");

/** Adagrad (Duchi et al. 2011), as torch.optim.Adagrad: eps outside the sqrt. */
export class Adagrad extends FirstOrderOptimizer<AdagradOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adagrad";

  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, options, schema);
    // as torch, the accumulator exists from construction, filled with the initial value
    for (const group of this.paramGroups) for (const p of group.params) this.stateOf(p).buffer("sum", group.initialAccumulatorValue);
  }

  protected stateBuffers(group: ParamGroup<AdagradOptions>): readonly StateBufferSpec[] {
    return [{ name: "sum", init: group.initialAccumulatorValue }];
  }

  protected update(p: Param, group: ParamGroup<AdagradOptions>, s: ParamState): void {
    const t = ++s.step;
    const clr = group.lr / (1 + (t - 1) * group.lrDecay);
    const sum = s.buffer("sum", group.initialAccumulatorValue);
    adagrad[p.dtype](p.dataPtr, p.gradPtr, sum.ptr, p.size, clr, group.eps, group.weightDecay, signOf(group.maximize));
  }
}
