import { betaPair, bool, nonNegative } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";

export interface LionOptions {
  lr: number;
  /** beta1 mixes the update direction, beta2 the momentum kept between steps. */
  betas: readonly [number, number];
  /** Decoupled: p -= lr * weightDecay * p, with the sign update. */
  weightDecay: number;
  maximize: boolean;
}

const schema: Schema<LionOptions> = {
  lr: { default: 1e-4, check: nonNegative },
  betas: { default: [0.9, 0.99], check: betaPair },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const lion = kernelPair("lion");
const BUFFERS = ["exp_avg"];

/**
 * Lion (Chen et al. 2023): p -= lr * (sign(b1*m + (1-b1)*g) + weightDecay*p), then
 * m = b2*m + (1-b2)*g. Every coordinate moves by about lr, so it wants an lr 3-10x
 * smaller than AdamW's and a weightDecay 3-10x larger.
 */
export class Lion extends Optimizer<LionOptions> {
  constructor(params: ParamsInput<LionOptions>, options: Partial<LionOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_g: ParamGroup<LionOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(p: Param, g: ParamGroup<LionOptions>, s: ParamState): void {
    s.step++;
    const [b1, b2] = g.betas;
    lion[p.dtype](p.dataPtr, p.gradPtr, s.buffer("exp_avg").ptr, p.size, g.lr, b1, b2, g.weightDecay, signOf(g.maximize));
  }
}
