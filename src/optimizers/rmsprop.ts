import { bool, epsilon, nonNegative, range } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";

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

const rmsprop = kernelPair("rmsprop");
// the buffers of each variant, made once (stateBuffers runs every step): [centered][momentum]
const BUFFERS = [
  [["square_avg"], ["square_avg", "momentum_buffer"]],
  [["square_avg", "grad_avg"], ["square_avg", "grad_avg", "momentum_buffer"]],
] as const;

/** RMSprop (Hinton's lecture 6e), as torch.optim.RMSprop: no bias correction, eps after the sqrt. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(g: ParamGroup<RMSpropOptions>): readonly StateBufferSpec[] {
    return BUFFERS[+g.centered]![+(g.momentum > 0)]!;
  }

  protected update(p: Param, g: ParamGroup<RMSpropOptions>, s: ParamState): void {
    s.step++;
    const withMomentum = g.momentum > 0;
    const v = s.buffer("square_avg").ptr;
    const gavg = g.centered ? s.buffer("grad_avg").ptr : 0;
    const buf = withMomentum ? s.buffer("momentum_buffer").ptr : 0;
    rmsprop[p.dtype](p.dataPtr, p.gradPtr, v, gavg, buf, p.size, g.lr, g.alpha, g.eps, g.weightDecay, g.momentum, signOf(g.maximize), +g.centered, +withMomentum);
  }
}
