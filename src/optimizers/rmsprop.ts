import { bool, epsilon, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalise by the variance estimate (subtracting the squared mean gradient). */
  centered: boolean;
  maximize: boolean;
}

const schema: Schema<RMSpropOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  alpha: { default: 0.99, check: range(0, 1) },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  momentum: { default: 0, check: nonNegative },
  centered: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const rmsprop = kernelsByDType("rmsprop");
// the buffers of each variant, made once (stateBuffers runs every step): [centered][momentum]
const BUFFERS = [
  [["square_avg"], ["square_avg", "momentum_buffer"]],
  [
    ["square_avg", "grad_avg"],
    ["square_avg", "grad_avg", "momentum_buffer"],
  ],
] as const;

/** RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop: no bias correction, eps after the sqrt. */
export class RMSprop extends FirstOrderOptimizer<RMSpropOptions> {
  static readonly kind: string = "RMSprop";

  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(group: ParamGroup<RMSpropOptions>): readonly StateBufferSpec[] {
    return BUFFERS[+group.centered]![+(group.momentum > 0)]!;
  }

  protected update(r: Run, group: ParamGroup<RMSpropOptions>): void {
    r.advance();
    const withMomentum = group.momentum > 0;
    const v = r.buffer("square_avg");
    const gavg = group.centered ? r.buffer("grad_avg") : 0;
    const buf = withMomentum ? r.buffer("momentum_buffer") : 0;
    rmsprop[r.dtype](
      r.dataPtr,
      r.gradPtr,
      v,
      gavg,
      buf,
      r.size,
      group.lr,
      group.alpha,
      group.eps,
      group.weightDecay,
      group.momentum,
      signOf(group.maximize),
      +group.centered,
      +withMomentum,
    );
  }
}
