import { bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { l2Flag } from "./_common.js";

/** The hyperparameters of {@link Adagrad}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface AdagradOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `1e-2`
   */
  lr: number;
  /**
   * Learning-rate decay, ≥ 0: step t uses `lr / (1 + (t − 1) · lrDecay)` (t counts this param's steps).
   * @defaultValue `0`
   */
  lrDecay: number;
  /**
   * L2 penalty coefficient, ≥ 0: `g ← g + weightDecay · p` before the update (coupled; see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Starting value of the sum of squared gradients (`sum`), ≥ 0.
   * @defaultValue `0`
   */
  initialAccumulatorValue: number;
  /**
   * Added after the root, `√sum + eps`, > 0.
   * @defaultValue `1e-10`
   */
  eps: number;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
  maximize: boolean;
}

const schema: Schema<AdagradOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  lrDecay: { default: 0, check: nonNegative },
  weightDecay: { default: 0, check: nonNegative },
  initialAccumulatorValue: { default: 0, check: nonNegative },
  eps: { default: 1e-10, check: epsilon },
  maximize: { default: false, check: bool },
};

const adagrad = kernelsByDType("adagrad");

/**
 * Adagrad (Duchi, Hazan & Singer, 2011): per-element step sizes from the sum of squared
 * gradients, as `torch.optim.Adagrad`.
 *
 * For each element, at step t (g negated first under `maximize`):
 * ```text
 * g   ← g + weightDecay · p
 * sum ← sum + g²
 * p   ← p − (lr / (1 + (t − 1) · lrDecay)) · g / (√sum + eps)
 * ```
 * State per param: `sum` (the param's size and dtype), created at construction filled with
 * `initialAccumulatorValue`, as torch.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Duchi, Hazan, Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 12, 2011: https://jmlr.org/papers/v12/duchi11a.html
 * @see torch.optim.Adagrad, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.Adagrad.html
 */
export class Adagrad extends FirstOrderOptimizer<AdagradOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adagrad";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdagradOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; or `OutOfMemoryError` when the accumulators do not fit; nothing is allocated.
   */
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, options, schema);
    // as torch, the accumulator exists from construction, filled with the initial value
    for (const group of this.paramGroups) for (const p of group.params) this.stateOf(p).buffer("sum", group.initialAccumulatorValue);
  }

  protected stateBuffers(group: ParamGroup<AdagradOptions>): readonly StateBufferSpec[] {
    return [{ name: "sum", init: group.initialAccumulatorValue }];
  }

  protected update(r: Run, group: ParamGroup<AdagradOptions>): void {
    const t = r.advance();
    const clr = group.lr / (1 + (t - 1) * group.lrDecay);
    adagrad[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("sum"),
      r.size,
      clr,
      group.eps,
      group.weightDecay,
      signOf(group.maximize),
      l2Flag(group.weightDecay),
    );
  }
}
