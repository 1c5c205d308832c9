import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { decayAtEveryStep, decayFactor, l2Coefficient, l2Flag } from "./_common.js";

/** The hyperparameters of {@link NAdam}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface NAdamOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `2e-3`
   */
  lr: number;
  /**
   * (β₁, β₂): decay rates of the running averages of the gradient and of its square, each in [0, 1).
   * @defaultValue `[0.9, 0.999]`
   */
  betas: readonly [number, number];
  /**
   * Added after the root and the bias correction, `√v̂ + eps`, > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * Weight decay, ≥ 0: `weightDecay · p` added to the gradient (L2, coupled), or, with `decoupledWeightDecay`, `p ← p · (1 − lr · weightDecay)` first (see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * ψ, ≥ 0, in the momentum schedule μₜ = β₁ · (1 − 0.5 · 0.96^(t·ψ)).
   * @defaultValue `4e-3`
   */
  momentumDecay: number;
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

const schema: Schema<NAdamOptions> = {
  lr: { default: 2e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  momentumDecay: { default: 4e-3, check: nonNegative },
  decoupledWeightDecay: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const nadam = kernelsByDType("nadam");
const BUFFERS = ["exp_avg", "exp_avg_sq"];

/** NAdam's scalars at step t that do not depend on a param's mu_product. */
function nadamScalars(group: ParamGroup<NAdamOptions>, t: number) {
  const b1 = group.betas[0];
  return {
    mu: b1 * (1 - 0.5 * 0.96 ** (t * group.momentumDecay)),
    muNext: b1 * (1 - 0.5 * 0.96 ** ((t + 1) * group.momentumDecay)),
    bc2: 1 - group.betas[1] ** t,
    l2: l2Coefficient(group.weightDecay, group.decoupledWeightDecay),
    decay: decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay),
    sign: signOf(group.maximize),
  };
}

/**
 * NAdam (Dozat, 2016): Adam with Nesterov momentum, as `torch.optim.NAdam` with torch ≥ 2.0's rule.
 *
 * With μₜ = β₁ · (1 − 0.5 · 0.96^(t·ψ)) and Πₜ = μ₁ ⋯ μₜ (`mu_product`), for each element at step t:
 * ```text
 * p ← p · (1 − lr · weightDecay)                     (decoupledWeightDecay)
 * g ← g + weightDecay · p                            (otherwise)
 * m ← β₁ · m + (1 − β₁) · g
 * v ← β₂ · v + (1 − β₂) · g²
 * d ← √(v · (1 / (1 − β₂ᵗ))) + eps
 * p ← p − lr · (1 − μₜ) / (1 − Πₜ) · g / d − lr · μₜ₊₁ / (1 − Πₜ · μₜ₊₁) · m / d
 * ```
 * Differs from torch 1.13, which counted μₜ twice in the last product (fixed in torch 2.0; the
 * 1.13 goldens are used where the two agree). Differs from torch 2.x in rounding only: the
 * kernel multiplies by reciprocals instead of torch's three divisions (an ulp or two; ~1.5×
 * faster). `decoupledWeightDecay` and `maximize` are torch 2.x options. `mu_product` is a float32
 * number whatever the param's dtype, rounded where torch rounds its float32 0-dim tensor.
 *
 * State per param: `exp_avg`, `exp_avg_sq` (the param's size and dtype), scalar `mu_product`.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop: https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ
 * @see torch.optim.NAdam, torch 2.0: https://pytorch.org/docs/2.0/generated/torch.optim.NAdam.html
 */
const SCALARS = ["mu_product"];

export class NAdam extends FirstOrderOptimizer<NAdamOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "NAdam";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link NAdamOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: NAdamOptions): readonly StepScalar[] {
    // step 1 has the smallest 1 - mu_product, so the largest steps (lr for the gradient). The kernel
    // divides the steps by sqrt(v) + eps: for an exactly-zero gradient (v = 0) by eps alone, so
    // step / eps must be finite too (or 0 · Infinity = NaN where torch gets 0)
    const mu1 = o.betas[0] * (1 - 0.5 * 0.96 ** o.momentumDecay);
    const mu2 = o.betas[0] * (1 - 0.5 * 0.96 ** (2 * o.momentumDecay));
    const mom = (o.lr * mu2) / (1 - mu1 * mu2);
    const scalars: StepScalar[] = [
      { option: "lr", what: "NAdam's momentum step lr · mu2 / (1 − mu1 · mu2) at step 1", value: mom },
      { option: "lr", what: "NAdam's step factor lr / eps of a zero gradient at step 1", value: o.lr / o.eps },
      { option: "lr", what: "NAdam's momentum step factor of a zero gradient at step 1, divided by eps", value: mom / o.eps },
    ];
    return o.decoupledWeightDecay ? [...scalars, decayAtEveryStep(o.lr, o.weightDecay)] : scalars;
  }
  protected stateBuffers(_group: ParamGroup<NAdamOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected override stateScalars(): readonly string[] {
    return SCALARS;
  }

  protected update(r: Run, group: ParamGroup<NAdamOptions>): void {
    const c = this.stepScalars(group, r.advance(), nadamScalars);
    // torch keeps mu_product in a float32 0-dim tensor whatever the param's dtype: `mu_product *= mu`
    // rounds mu to float32, multiplies in float32; mu_product_next = mu_product.item() * mu_next in float64.
    const muProduct = Math.fround((r.scalar("mu_product") ?? 1) * Math.fround(c.mu));
    r.setScalar("mu_product", muProduct);
    const muProductNext = muProduct * c.muNext;
    const gradStep = (-group.lr * (1 - c.mu)) / (1 - muProduct);
    const momStep = (-group.lr * c.muNext) / (1 - muProductNext);
    nadam[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_avg_sq"),
      r.size,
      gradStep,
      momStep,
      group.betas[0],
      group.betas[1],
      c.bc2,
      group.eps,
      c.l2,
      c.decay,
      c.sign,
      plainOf(c.l2, group.maximize),
      l2Flag(c.l2),
    );
  }
}
