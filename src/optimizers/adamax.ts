import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { correctedLrAtFirstStep, l2Flag } from "./_common.js";

/** The hyperparameters of {@link Adamax}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface AdamaxOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `2e-3`
   */
  lr: number;
  /**
   * (β₁, β₂): decay rates of the running average of the gradient and of the infinity norm, each in [0, 1).
   * @defaultValue `[0.9, 0.999]`
   */
  betas: readonly [number, number];
  /**
   * Added to |g| inside the max, `max(β₂ · u, |g| + eps)` (torch's placement), > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * L2 penalty coefficient, ≥ 0: `g ← g + weightDecay · p` before the update (coupled; see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
  maximize: boolean;
}

const schema: Schema<AdamaxOptions> = {
  lr: { default: 2e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const adamax = kernelsByDType("adamax");
const BUFFERS = ["exp_avg", "exp_inf"];

/** lr / (1 - beta1^t): only the first moment is bias-corrected. */
function correctedLr(group: ParamGroup<AdamaxOptions>, t: number): number {
  return group.lr / (1 - group.betas[0] ** t);
}

/**
 * Adamax (Kingma & Ba, 2015, §7): Adam with the infinity norm, as `torch.optim.Adamax`.
 *
 * For each element, at step t (g negated first under `maximize`):
 * ```text
 * g ← g + weightDecay · p
 * m ← β₁ · m + (1 − β₁) · g
 * u ← max(β₂ · u, |g| + eps)
 * p ← p − (lr / (1 − β₁ᵗ)) · m / u
 * ```
 * Only the first moment is bias-corrected. State per param: `exp_avg`, `exp_inf` (the param's
 * size and dtype).
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, section 7: https://arxiv.org/abs/1412.6980
 * @see torch.optim.Adamax, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.Adamax.html
 */
export class Adamax extends FirstOrderOptimizer<AdamaxOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adamax";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdamaxOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: AdamaxOptions): readonly StepScalar[] {
    return [correctedLrAtFirstStep("Adamax", o.lr, o.betas[0])];
  }
  protected stateBuffers(_group: ParamGroup<AdamaxOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<AdamaxOptions>): void {
    const clr = this.stepScalars(group, r.advance(), correctedLr);
    const [b1, b2] = group.betas;
    adamax[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_inf"),
      r.size,
      clr,
      b1,
      b2,
      group.eps,
      group.weightDecay,
      signOf(group.maximize),
      l2Flag(group.weightDecay),
    );
  }
}
