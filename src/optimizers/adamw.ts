import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { correctedLrAtFirstStep, decayAtEveryStep } from "./_common.js";
import { adamBuffers, adamSchema, adamUpdate, adamWScalars, type AdamOptions } from "./adam.js";

/**
 * The options of {@link AdamW}: those of Adam, with `weightDecay` decoupled and defaulting to 1e-2.
 */
export type AdamWOptions = AdamOptions;

const schema = adamSchema(1e-2);

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, as `torch.optim.AdamW`.
 *
 * For each element, at step t (g negated first under `maximize`):
 * ```text
 * p ← p · (1 − lr · weightDecay)
 * m ← β₁ · m + (1 − β₁) · g
 * v ← β₂ · v + (1 − β₂) · g²                        (amsgrad: v ← max(vmax, v))
 * p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
 * ```
 * Default `weightDecay` 1e-2. The same kernel as {@link Adam} (and the same remark on
 * √(1 − β₂ᵗ), folded into the step and eps); state `exp_avg`, `exp_avg_sq` (+ `max_exp_avg_sq` with `amsgrad`).
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019: https://arxiv.org/abs/1711.05101
 * @see torch.optim.AdamW, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.AdamW.html
 */
export class AdamW extends FirstOrderOptimizer<AdamWOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "AdamW";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdamWOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super(params, options, schema);
  }
  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: AdamWOptions): readonly StepScalar[] {
    return [correctedLrAtFirstStep("AdamW", o.lr, o.betas[0]), decayAtEveryStep(o.lr, o.weightDecay)];
  }
  protected stateBuffers(group: ParamGroup<AdamWOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(r: Run, group: ParamGroup<AdamWOptions>): void {
    adamUpdate(r, group, this.stepScalars(group, r.advance(), adamWScalars));
  }
}
