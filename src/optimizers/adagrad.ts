import { bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
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
  static readonly kind: string = "Adagrad";

  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, options, schema);
    // as torch, the accumulator exists from construction, filled with the initial value
    for (const group of this.paramGroups) for (const p of group.params) this.stateOf(p).buffer("sum", group.initialAccumulatorValue);
  }

  protected stateBuffers(group: ParamGroup<AdagradOptions>): readonly StateBufferSpec[] {
    return [{ name: "sum", init: group.initialAccumulatorValue }];
  }

  protected update(r: Run, group: ParamGroup<AdagradOptions>): void {
    const t = r.advance();
    const clr = group.lr / (1 + (t - 1) * group.lrDecay);
    adagrad[r.dtype](r.dataPtr, r.gradPtr, r.buffer("sum"), r.size, clr, group.eps, group.weightDecay, signOf(group.maximize));
  }
}
