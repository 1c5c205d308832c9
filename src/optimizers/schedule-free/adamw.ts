import type { Run, StateBufferSpec } from "../../first-order.js";
import type { ParamGroup, ParamsInput } from "../../optimizer.js";
import { betaPair, epsilon, integer, nonNegative, oneOf, type Schema } from "../../options.js";
import { kernelsByDType } from "../../runtime/kernels.js";
import { l2Flag } from "../_common.js";
import { SCHEDULE_FREE_BUFFERS, ScheduleFreeOptimizer, type ScheduleFreeOptions, type ScheduleFreeStep } from "./base.js";

const WITH_SECOND_MOMENT: readonly StateBufferSpec[] = [...SCHEDULE_FREE_BUFFERS, "exp_avg_sq"];

/** The hyperparameters of {@link AdamWScheduleFree}. */
export interface AdamWScheduleFreeOptions extends ScheduleFreeOptions {
  /**
   * (β₁, β₂), each in [0, 1): β₁ interpolates y = β₁ · x + (1 − β₁) · z; β₂ is the decay of the second moment.
   * @defaultValue `[0.9, 0.999]`
   */
  betas: readonly [number, number];
  /**
   * Added after the root, `√(v / (1 − β₂ᵗ)) + eps`, > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * `"default"`: schedulefree ≥ 1.3 (bias correction in the denominator, √(v / (1 − β₂ᵗ)) + eps); `"paper"`: the paper's Algorithm 1 / schedulefree ≤ 1.2 (lr · √(1 − β₂ᵗ), √v + eps, and the averaging weights use that lr).
   * @defaultValue `"default"`
   */
  variant: "default" | "paper";
}

const schema: Schema<AdamWScheduleFreeOptions> = {
  lr: { default: 0.0025, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  warmupSteps: { default: 0, check: integer(0) },
  r: { default: 0, check: nonNegative },
  weightLrPower: { default: 2, check: nonNegative },
  variant: { default: "default", check: oneOf("default", "paper") },
};

const scheduleFree = kernelsByDType("scheduleFree");

/**
 * 1 - beta2^t, the second moment's bias correction at step t; the paper variant divides by
 * sqrt(v) + eps: bc2 = 1 leaves v unchanged, exactly.
 */
function secondMomentCorrection(group: ParamGroup<AdamWScheduleFreeOptions>, t: number): number {
  return group.variant === "paper" ? 1 : 1 - group.betas[1] ** t;
}

/**
 * Schedule-Free AdamW (Defazio et al., 2024), as `schedulefree.AdamWScheduleFree`: no
 * learning-rate schedule, an online average instead (see {@link ScheduleFreeOptimizer}).
 *
 * The rule's step direction, taken at y, at step t = k + 1:
 * ```text
 * v ← β₂ · v + (1 − β₂) · g²
 * u ← g / (√(v · (1 / (1 − β₂ᵗ))) + eps) + weightDecay · y      (variant "paper": 1 − β₂ᵗ → 1, lr · √(1 − β₂ᵗ))
 * ```
 * Differs from the reference in rounding only: it divides v by 1 − β₂ᵗ; the kernel multiplies
 * by the reciprocal (at most an ulp under the root; one SIMD division fewer).
 * State per param: `z`, `x`, `exp_avg_sq`. Call `eval()` before evaluating or saving, `train()`
 * before stepping again. Tested against the reference code: see [oracle versions](../../../docs/oracle-versions.md).
 *
 * @see Defazio et al., "The Road Less Scheduled", NeurIPS 2024: https://arxiv.org/abs/2405.15682
 */
export class AdamWScheduleFree extends ScheduleFreeOptimizer<AdamWScheduleFreeOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "AdamWScheduleFree";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdamWScheduleFreeOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<AdamWScheduleFreeOptions>, options: Partial<AdamWScheduleFreeOptions> = {}) {
    super(params, options, schema);
  }

  protected override stateBuffers(_group: ParamGroup<AdamWScheduleFreeOptions>): readonly StateBufferSpec[] {
    return WITH_SECOND_MOMENT;
  }

  protected beta(group: ParamGroup<AdamWScheduleFreeOptions>): number {
    return group.betas[0];
  }

  protected stepLr(group: ParamGroup<AdamWScheduleFreeOptions>, k: number, sched: number): number {
    const lr = group.lr * sched;
    return group.variant === "paper" ? lr * Math.sqrt(1 - group.betas[1] ** (k + 1)) : lr;
  }

  protected kernelStep(r: Run, group: ParamGroup<AdamWScheduleFreeOptions>, now: ScheduleFreeStep): void {
    const [b1, b2] = group.betas;
    scheduleFree[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("z"),
      r.buffer("x"),
      r.buffer("exp_avg_sq"),
      r.size,
      now.lr,
      group.weightDecay,
      b2,
      this.stepScalars(group, now.k + 1, secondMomentCorrection),
      group.eps,
      now.c,
      b1,
      1,
      l2Flag(group.weightDecay),
    );
  }
}
