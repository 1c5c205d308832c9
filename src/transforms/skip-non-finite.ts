// Skip non-finite steps: checks every gradient before the step and, on a NaN or an infinity,
// skips the whole step (params, state and gradients untouched) and counts it, or throws. With
// maxNorm it also clips the global gradient norm, and the norm pass is the check.
import { InvalidOptionError, NonFiniteGradientError } from "../errors.js";
import { bool, nonNegative } from "../options.js";
import { checkOptimizer, type AnyOptimizer } from "../any-optimizer.js";
import type { PendingLoad, StateTree, StateValue } from "../checkpoint/attachment.js";
import { asInteger, asTree } from "../checkpoint/read.js";
import { trainable, type Param } from "../param.js";
import { checkNormType, clipToNorm, finiteGrads, gradNorm } from "./clip.js";
import { Transform } from "./transform.js";

export interface SkipNonFiniteOptions {
  /** Throw NonFiniteGradientError instead of skipping (default false: skip and count). */
  throw?: boolean;
  /** Also clip the global gradient norm to this (torch's clip_grad_norm_), fused with the check. */
  maxNorm?: number;
  /** The norm for maxNorm: any p > 0 or Infinity (default 2). */
  normType?: number;
}

/**
 * Wraps a first-order optimizer: step() checks the gradients of its params (one SIMD pass
 * each) and steps only when all are finite. Attached to the optimizer, so skippedSteps is
 * saved in its checkpoints. See also optax.apply_if_finite (which also skips and counts).
 */
export class SkipNonFinite extends Transform {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind = "SkipNonFinite";
  readonly throws: boolean;
  readonly maxNorm: number | undefined;
  readonly normType: number;
  /** Steps skipped because a gradient was NaN or infinite. */
  skippedSteps = 0;
  /** Whether the last step() was skipped. */
  lastSkipped = false;
  /** With maxNorm: the global gradient norm before clipping at the last step(). */
  lastNorm: number | undefined;

  constructor(optimizer: AnyOptimizer, options: SkipNonFiniteOptions = {}) {
    super(checkOptimizer(optimizer));
    if (options === null || typeof options !== "object") throw new InvalidOptionError("options", options, "an object of options");
    this.throws = bool("throw", options.throw ?? false);
    this.maxNorm = options.maxNorm === undefined ? undefined : nonNegative("maxNorm", options.maxNorm);
    this.normType = checkNormType("normType", options.normType ?? 2);
    this.optimizer.attach(this);
  }

  /**
   * Calls `closure` (if given: it fills the gradients and returns the loss), checks the
   * gradients, clips them (with maxNorm) and steps the optimizer, or skips (or throws) when
   * one is not finite. Returns the closure's loss.
   */
  step(closure?: () => number): number | undefined {
    this.optimizer.checkStep(); // before the gradients are touched
    const loss = closure ? closure() : undefined;
    const params: Param[] = trainable(this.optimizer.paramGroups.flatMap((g) => g.params));
    let norm: number | undefined;
    let finite: boolean;
    if (this.maxNorm === undefined) finite = finiteGrads(params);
    else {
      norm = gradNorm(params, this.normType);
      // a finite norm proves every element finite; a float64 sum can also overflow
      finite = Number.isFinite(norm) || finiteGrads(params);
    }
    this.lastNorm = norm;
    if (!finite) {
      if (this.throws) throw new NonFiniteGradientError("wasm-optim: a gradient holds NaN or Infinity; the step was not taken");
      this.skippedSteps++;
      this.lastSkipped = true;
      return loss;
    }
    if (norm !== undefined) clipToNorm(params, this.maxNorm!, norm);
    this.lastSkipped = false;
    this.optimizer.step();
    return loss;
  }

  stateDict(): StateTree {
    return { skippedSteps: this.skippedSteps };
  }

  prepareLoad(state: StateValue | undefined, where: string): PendingLoad {
    const skipped = asInteger(asTree(state, where).skippedSteps, `${where}.skippedSteps`);
    return { commit: () => void (this.skippedSteps = skipped) };
  }
}

/** skipNonFinite(opt, { throw?, maxNorm?, normType? }): a SkipNonFinite around `opt`. */
export function skipNonFinite(optimizer: AnyOptimizer, options: SkipNonFiniteOptions = {}): SkipNonFinite {
  return new SkipNonFinite(optimizer, options);
}
