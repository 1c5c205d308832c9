// Skip non-finite steps: checks every gradient before the step and, on a NaN or an infinity,
// skips the whole step (params, state and gradients untouched) and counts it, or throws. With
// maxNorm it also clips the global gradient norm, and the norm pass is the check.
import { NonFiniteGradientError } from "../errors.js";
import { bool, nonNegative, optionsObject } from "../options.js";
import { checkOptimizer, type AnyOptimizer } from "../any-optimizer.js";
import type { PendingLoad, StateTree, StateValue } from "../checkpoint/attachment.js";
import { asInteger, asTree } from "../checkpoint/read.js";
import { trainable, type Param } from "../param.js";
import { checkNormType, clipToNorm, finiteGrads, gradNorm } from "./clip.js";
import { Transform } from "./transform.js";

/** Options of {@link skipNonFinite}. */
export interface SkipNonFiniteOptions {
  /**
   * Throw {@link NonFiniteGradientError} (changing nothing) instead of skipping and counting.
   * @defaultValue `false`
   */
  throw?: boolean;
  /**
   * Also clip the global gradient norm to this (torch's `clip_grad_norm_`), fused with the check; ≥ 0. Absent: no clipping.
   */
  maxNorm?: number;
  /**
   * The norm for `maxNorm`: any p > 0, or `Infinity` (max |g|).
   * @defaultValue `2`
   */
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
  /** The `throw` option: throw NonFiniteGradientError instead of skipping. */
  readonly throws: boolean;
  /** The `maxNorm` option (undefined: no clipping). */
  readonly maxNorm: number | undefined;
  /** The `normType` option. */
  readonly normType: number;
  /** Steps skipped because a gradient was NaN or infinite. */
  skippedSteps = 0;
  /** Whether the last step() was skipped. */
  lastSkipped = false;
  /** With maxNorm: the global gradient norm before clipping at the last step(). */
  lastNorm: number | undefined;

  /**
   * Prefer {@link skipNonFinite}. Attaches itself to `optimizer`.
   * @throws {@link InvalidOptionError} naming `optimizer`, `throw`, `maxNorm` or `normType`.
   */
  constructor(optimizer: AnyOptimizer, options: SkipNonFiniteOptions = {}) {
    super(checkOptimizer(optimizer));
    optionsObject(options, "options", ["throw", "maxNorm", "normType"]);
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
    this.optimizer.checkStep(closure); // before the gradients are touched
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

/**
 * Wraps `optimizer` so that a step with a NaN or infinite gradient anywhere is skipped: params,
 * optimizer state and gradients stay byte for byte as they were, and
 * {@link SkipNonFinite.skippedSteps} counts it (or, with `throw: true`, a
 * {@link NonFiniteGradientError} is thrown). With `maxNorm`, finite gradients are also clipped to
 * that global norm in the same pass, as `torch.nn.utils.clip_grad_norm_` (coef =
 * maxNorm / (norm + 1e-6) when below 1). The count travels in the optimizer's checkpoints.
 *
 * @param optimizer - any optimizer (first-order, or LBFGS / Newton with a closure).
 * @param options - `throw`, `maxNorm`, `normType`; see {@link SkipNonFiniteOptions}.
 * @returns the wrapper: call its `step()` instead of the optimizer's.
 * @throws {@link InvalidOptionError} naming the option, or `optimizer` when it is not an Optimizer.
 * @example
 * ```ts
 * import { Adam, Param, skipNonFinite } from "wasm-optim";
 * const w = Param.from([1, 2]);
 * const opt = skipNonFinite(new Adam([w], { lr: 0.1 }), { maxNorm: 1 });
 * w.grad.set([Number.NaN, 1]);
 * opt.step(); // skipped: w and Adam's state are unchanged
 * console.log(opt.skippedSteps, Array.from(w.data)); // → 1 [ 1, 2 ]
 * w.grad.set([3, 4]); // norm 5: clipped to norm 1, then stepped
 * opt.step();
 * console.log(opt.lastSkipped, opt.lastNorm); // → false 5
 * opt.optimizer.dispose();
 * w.dispose();
 * ```
 * @see optax.apply_if_finite (also skips and counts): https://optax.readthedocs.io/en/latest/api/optimizer_wrappers.html#optax.apply_if_finite
 */
export function skipNonFinite(optimizer: AnyOptimizer, options: SkipNonFiniteOptions = {}): SkipNonFinite {
  return new SkipNonFinite(optimizer, options);
}
