import { betaPair, bool, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

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

const lion = kernelsByDType("lion");
const BUFFERS = ["exp_avg"];

/**
 * Lion (Chen et al. 2023): p -= lr * (sign(b1*m + (1-b1)*g) + weightDecay*p), then
 * m = b2*m + (1-b2)*g. Every coordinate moves by about lr, so it wants an lr 3-10x
 * smaller than AdamW's and a weightDecay 3-10x larger.
 */
export class Lion extends FirstOrderOptimizer<LionOptions> {
  static readonly kind: string = "Lion";

  constructor(params: ParamsInput<LionOptions>, options: Partial<LionOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<LionOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<LionOptions>): void {
    r.advance();
    const [b1, b2] = group.betas;
    lion[r.dtype](r.dataPtr, r.gradPtr, r.buffer("exp_avg"), r.size, group.lr, b1, b2, group.weightDecay, signOf(group.maximize));
  }
}
