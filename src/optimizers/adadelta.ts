import { bool, epsilon, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

export interface AdadeltaOptions {
  /** Scales the delta (1.0: the original method). */
  lr: number;
  /** Decay of both running averages. */
  rho: number;
  eps: number;
  /** L2 penalty, added to the gradient. */
  weightDecay: number;
  maximize: boolean;
}

const schema: Schema<AdadeltaOptions> = {
  lr: { default: 1.0, check: nonNegative },
  rho: { default: 0.9, check: range(0, 1) },
  eps: { default: 1e-6, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const adadelta = kernelsByDType("adadelta");
const BUFFERS = ["square_avg", "acc_delta"];

/** Adadelta (Zeiler 2012), as torch.optim.Adadelta: eps inside both square roots. */
export class Adadelta extends FirstOrderOptimizer<AdadeltaOptions> {
  static readonly kind: string = "Adadelta";

  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<AdadeltaOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<AdadeltaOptions>): void {
    r.advance();
    const v = r.buffer("square_avg");
    const acc = r.buffer("acc_delta");
    adadelta[r.dtype](r.dataPtr, r.gradPtr, v, acc, r.size, group.lr, group.rho, group.eps, group.weightDecay, signOf(group.maximize));
  }
}
