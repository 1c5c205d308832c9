import { bool, epsilon, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { l2Flag } from "./_common.js";

/** The hyperparameters of {@link Adadelta}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface AdadeltaOptions {
  /**
   * Scales the delta, ≥ 0 (1.0: the original method).
   * @defaultValue `1.0`
   */
  lr: number;
  /**
   * Decay rate ρ of both running averages, in [0, 1].
   * @defaultValue `0.9`
   */
  rho: number;
  /**
   * Added inside both roots, `√(Δ + eps) / √(v + eps)`, > 0.
   * @defaultValue `1e-6`
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

const schema: Schema<AdadeltaOptions> = {
  lr: { default: 1.0, check: nonNegative },
  rho: { default: 0.9, check: range(0, 1) },
  eps: { default: 1e-6, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const adadelta = kernelsByDType("adadelta");
const BUFFERS = ["square_avg", "acc_delta"];

/**
 * Adadelta (Zeiler, 2012): steps scaled by the ratio of running RMS of updates and of gradients,
 * as `torch.optim.Adadelta`.
 *
 * For each element (g negated first under `maximize`):
 * ```text
 * g ← g + weightDecay · p
 * v ← ρ · v + (1 − ρ) · g²
 * δ ← √((Δ + eps) / (v + eps)) · g
 * Δ ← ρ · Δ + (1 − ρ) · δ²
 * p ← p − lr · δ
 * ```
 * Differs from torch in rounding only: torch takes two roots and divides, √(Δ + eps) / √(v + eps);
 * one root of the quotient is the same value with one rounding more (~1.4× faster).
 *
 * State per param: `square_avg` (v) and `acc_delta` (Δ), the param's size and dtype.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Zeiler, "ADADELTA: An Adaptive Learning Rate Method", 2012: https://arxiv.org/abs/1212.5701
 * @see torch.optim.Adadelta, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.Adadelta.html
 */
export class Adadelta extends FirstOrderOptimizer<AdadeltaOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adadelta";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdadeltaOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<AdadeltaOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(r: Run, group: ParamGroup<AdadeltaOptions>): void {
    r.advance();
    const v = r.buffer("square_avg");
    const acc = r.buffer("acc_delta");
    adadelta[r.dtype](
      r.dataPtr,
      r.gradPtr,
      v,
      acc,
      r.size,
      group.lr,
      group.rho,
      group.eps,
      group.weightDecay,
      signOf(group.maximize),
      l2Flag(group.weightDecay),
    );
  }
}
