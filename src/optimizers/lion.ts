import { betaPair, bool, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { decayAtEveryStep } from "./_common.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

/** The hyperparameters of {@link Lion}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface LionOptions {
  /**
   * Learning rate, ≥ 0. Every element moves by about `lr` a step: use an lr 3–10× smaller than AdamW's.
   * @defaultValue `1e-4`
   */
  lr: number;
  /**
   * (β₁, β₂): β₁ mixes the update direction, β₂ the momentum kept between steps; each in [0, 1).
   * @defaultValue `[0.9, 0.99]`
   */
  betas: readonly [number, number];
  /**
   * Decoupled weight decay, ≥ 0: `p ← p · (1 − lr · weightDecay)` before the sign update; use a value 3–10× larger than AdamW's.
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
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
 * Lion (Chen et al., 2023): the sign of an interpolated momentum, not in torch.optim.
 *
 * For each element (g negated first under `maximize`):
 * ```text
 * u ← sgn(β₁ · m + (1 − β₁) · g)          (sgn(±0) = sgn(NaN) = 0, as torch.sign in torch 1.13)
 * p ← p · (1 − lr · weightDecay) − lr · u  (the decay first, as lion-pytorch: weightDecay 0 keeps ±Infinity)
 * m ← β₂ · m + (1 − β₂) · g
 * ```
 * Every element moves by about `lr`, so Lion wants an lr 3–10× smaller than AdamW's and a
 * weightDecay 3–10× larger. State per param: `exp_avg` (the param's size and dtype).
 * Tested against the paper's Algorithm 2 in lion-pytorch's order (no torch class): see [oracle versions](../../docs/oracle-versions.md).
 * @see lion-pytorch (the update as torch ops): https://github.com/lucidrains/lion-pytorch
 *
 * @see Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023: https://arxiv.org/abs/2302.06675
 */
export class Lion extends FirstOrderOptimizer<LionOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Lion";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link LionOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<LionOptions>, options: Partial<LionOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: LionOptions): readonly StepScalar[] {
    return [decayAtEveryStep(o.lr, o.weightDecay)];
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
