import type { Run, StateBufferSpec } from "../../first-order.js";
import type { ParamGroup, ParamsInput } from "../../optimizer.js";
import { betaPair, epsilon, integer, nonNegative, oneOf, type Schema } from "../../options.js";
import { kernelsByDType } from "../../runtime/kernels.js";
import { cachedPow } from "../_common.js";
import { SCHEDULE_FREE_BUFFERS, ScheduleFreeOptimizer, type ScheduleFreeOptions, type ScheduleFreeStep } from "./base.js";

const WITH_SECOND_MOMENT: readonly StateBufferSpec[] = [...SCHEDULE_FREE_BUFFERS, "exp_avg_sq"];

export interface AdamWScheduleFreeOptions extends ScheduleFreeOptions {
  /** beta1 interpolates y = beta1*x + (1 - beta1)*z; beta2 is the second-moment decay. */
  betas: readonly [number, number];
  eps: number;
  /**
   * "default": schedulefree >= 1.3 (bias correction in the denominator, sqrt(v/bc2) + eps);
   * "paper": the paper's Algorithm 1 / schedulefree <= 1.2 (lr * sqrt(bc2), sqrt(v) + eps,
   * and the averaging weights use that lr).
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
const secondMomentCorrection = (group: ParamGroup<AdamWScheduleFreeOptions>, t: number): number =>
  group.variant === "paper" ? 1 : 1 - cachedPow(group.betas[1], t);

/**
 * Schedule-Free AdamW (Defazio et al. 2024), as schedulefree.AdamWScheduleFree: no
 * learning-rate schedule, an online average instead; weight decay is evaluated at y.
 * Call eval() before evaluating or saving, train() before stepping again.
 */
export class AdamWScheduleFree extends ScheduleFreeOptimizer<AdamWScheduleFreeOptions> {
  static readonly kind: string = "AdamWScheduleFree";

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
    return group.variant === "paper" ? lr * Math.sqrt(1 - cachedPow(group.betas[1], k + 1)) : lr;
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
    );
  }
}
