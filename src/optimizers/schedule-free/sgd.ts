import type { ParamGroup, ParamsInput } from "../../optimizer.js";
import { integer, nonNegative, probability, type Schema } from "../../options.js";
import type { Run } from "../../first-order.js";
import { kernelsByDType } from "../../runtime/kernels.js";
import { l2Flag } from "../_common.js";
import { ScheduleFreeOptimizer, type ScheduleFreeOptions, type ScheduleFreeStep } from "./base.js";

/** The hyperparameters of {@link SGDScheduleFree}. */
export interface SGDScheduleFreeOptions extends ScheduleFreeOptions {
  /**
   * β in [0, 1): y = β · x + (1 − β) · z.
   * @defaultValue `0.9`
   */
  momentum: number;
}

const schema: Schema<SGDScheduleFreeOptions> = {
  lr: { default: 1.0, check: nonNegative },
  momentum: { default: 0.9, check: probability },
  weightDecay: { default: 0, check: nonNegative },
  warmupSteps: { default: 0, check: integer(0) },
  r: { default: 0, check: nonNegative },
  weightLrPower: { default: 2, check: nonNegative },
};

const scheduleFree = kernelsByDType("scheduleFree");

/**
 * Schedule-Free SGD (Defazio et al., 2024), as `schedulefree.SGDScheduleFree`: no learning-rate
 * schedule, an online average instead (see {@link ScheduleFreeOptimizer} for the averaging).
 *
 * The rule's step direction is the gradient itself, taken at y: `u ← g + weightDecay · y`.
 * Its lr is typically 10–50× what SGD with momentum would use. State per param: `z`, `x`.
 * Call `eval()` before evaluating or saving, `train()` before stepping again.
 * Tested against the reference code's numbers: see [oracle versions](../../../docs/oracle-versions.md).
 *
 * @see Defazio et al., "The Road Less Scheduled", NeurIPS 2024: https://arxiv.org/abs/2405.15682
 */
export class SGDScheduleFree extends ScheduleFreeOptimizer<SGDScheduleFreeOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "SGDScheduleFree";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link SGDScheduleFreeOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<SGDScheduleFreeOptions>, options: Partial<SGDScheduleFreeOptions> = {}) {
    super(params, options, schema);
  }

  protected beta(group: ParamGroup<SGDScheduleFreeOptions>): number {
    return group.momentum;
  }

  protected stepLr(group: ParamGroup<SGDScheduleFreeOptions>, _k: number, sched: number): number {
    return group.lr * sched;
  }

  protected kernelStep(r: Run, group: ParamGroup<SGDScheduleFreeOptions>, now: ScheduleFreeStep): void {
    scheduleFree[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("z"),
      r.buffer("x"),
      0,
      r.size,
      now.lr,
      group.weightDecay,
      0,
      1,
      0,
      now.c,
      group.momentum,
      0,
      l2Flag(group.weightDecay),
    );
  }
}
