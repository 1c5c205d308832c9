import { bool, epsilon, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";

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

  protected update(p: Param, group: ParamGroup<RMSpropOptions>, s: ParamState): void {
    s.step++;
    const withMomentum = group.momentum > 0;
    const v = s.buffer("square_avg").ptr;
    const gavg = group.centered ? s.buffer("grad_avg").ptr : 0;
    const buf = withMomentum ? s.buffer("momentum_buffer").ptr : 0;
    rmsprop[p.dtype](
      p.dataPtr,
      p.gradPtr,
      v,
      gavg,
      buf,
      p.size,
      group.lr,
      group.alpha,
      group.eps,
      group.weightDecay,
      group.momentum,
      signOf(group.maximize),
      +group.centered,
      +withMomentum,
      plainOf(group.weightDecay, group.maximize),
    );
  }
}
