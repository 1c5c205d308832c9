import type { ParamGroup, ParamsInput } from "../../optimizer.js";
import { integer, nonNegative, probability, type Schema } from "../../options.js";
import type { Run } from "../../first-order.js";
import { kernelsByDType } from "../../runtime/kernels.js";
import { ScheduleFreeOptimizer, type ScheduleFreeOptions, type ScheduleFreeStep } from "./base.js";

export interface SGDScheduleFreeOptions extends ScheduleFreeOptions {
  /** beta: y = momentum*x + (1 - momentum)*z. */
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
 * Schedule-Free SGD (Defazio et al. 2024), as schedulefree.SGDScheduleFree: no learning-rate
 * schedule, an online average instead. Call eval() before evaluating or saving, train()
 * before stepping again. Its lr is typically 10-50x what SGD with momentum would use.
 */
export class SGDScheduleFree extends ScheduleFreeOptimizer<SGDScheduleFreeOptions> {
  static readonly kind: string = "SGDScheduleFree";

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
    );
  }
}
