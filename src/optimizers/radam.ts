import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { correctedLrAtFirstStep, decayAtEveryStep, decayFactor, l2Coefficient, l2Flag } from "./_common.js";

/** The hyperparameters of {@link RAdam}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface RAdamOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `1e-3`
   */
  lr: number;
  /**
   * (β₁, β₂): decay rates of the running averages of the gradient and of its square, each in [0, 1).
   * @defaultValue `[0.9, 0.999]`
   */
  betas: readonly [number, number];
  /**
   * Added after the root, `√v + eps` (rectified steps only), > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * Weight decay, ≥ 0: `weightDecay · p` added to the gradient (L2, coupled), or, with `decoupledWeightDecay`, `p ← p · (1 − lr · weightDecay)` first (see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Decouple the weight decay (AdamW's form, torch 2.x's `decoupled_weight_decay`): `p ← p · (1 − lr · weightDecay)` before an update that ignores it. torch 2.x option.
   * @defaultValue `false`
   */
  decoupledWeightDecay: boolean;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)). torch 2.x option.
   * @defaultValue `false`
   */
  maximize: boolean;
}

const schema: Schema<RAdamOptions> = {
  lr: { default: 1e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  decoupledWeightDecay: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const radam = kernelsByDType("radam");
const BUFFERS = ["exp_avg", "exp_avg_sq"];

/** RAdam's scalars at step t: the switch to the rectified step and its size. */
function radamScalars(group: ParamGroup<RAdamOptions>, t: number) {
  const [b1, b2] = group.betas;
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * t * b2 ** t) / bc2;
  const rectified = rhoT > 5;
  const rect = rectified ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
  return {
    step: rectified ? (-group.lr * rect * Math.sqrt(bc2)) / bc1 : -group.lr / bc1,
    rectified,
    l2: l2Coefficient(group.weightDecay, group.decoupledWeightDecay),
    decay: decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay),
    sign: signOf(group.maximize),
  };
}

/**
 * RAdam (Liu et al., 2020): Adam whose adaptive step is rectified, and skipped while its variance
 * is intractable, as `torch.optim.RAdam`.
 *
 * With ρ∞ = 2 / (1 − β₂) − 1 and ρₜ = ρ∞ − 2t · β₂ᵗ / (1 − β₂ᵗ), for each element at step t:
 * ```text
 * p ← p · (1 − lr · weightDecay)                     (decoupledWeightDecay)
 * g ← g + weightDecay · p                            (otherwise)
 * m ← β₁ · m + (1 − β₁) · g
 * v ← β₂ · v + (1 − β₂) · g²
 * ρₜ > 5:  rₜ = √((ρₜ − 4)(ρₜ − 2) ρ∞ / ((ρ∞ − 4)(ρ∞ − 2) ρₜ))
 *          p ← p − lr · rₜ · √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + eps)
 * else:    p ← p − lr / (1 − β₁ᵗ) · m
 * ```
 * The switch and rₜ are computed once per step in float64. State per param: `exp_avg`,
 * `exp_avg_sq` (the param's size and dtype). `decoupledWeightDecay` and `maximize` are torch 2.x options.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020: https://arxiv.org/abs/1908.03265
 * @see torch.optim.RAdam, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.RAdam.html
 */
export class RAdam extends FirstOrderOptimizer<RAdamOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "RAdam";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link RAdamOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: RAdamOptions): readonly StepScalar[] {
    // step 1 is never rectified (rho_1 = 1 <= 5) and gives the largest step: the rectified
    // factor is below 1 and 1 - beta1^t grows with t
    const decay = o.decoupledWeightDecay ? [decayAtEveryStep(o.lr, o.weightDecay)] : [];
    return [correctedLrAtFirstStep("RAdam", o.lr, o.betas[0]), ...decay];
  }
  protected stateBuffers(_group: ParamGroup<RAdamOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<RAdamOptions>): void {
    const c = this.stepScalars(group, r.advance(), radamScalars);
    const [b1, b2] = group.betas;
    radam[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_avg_sq"),
      r.size,
      c.step,
      b1,
      b2,
      group.eps,
      c.l2,
      c.decay,
      c.sign,
      +c.rectified,
      plainOf(c.l2, group.maximize),
      l2Flag(c.l2),
    );
  }
}
