import { bool, epsilon, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { l2Flag } from "./_common.js";

/** The hyperparameters of {@link RMSprop}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface RMSpropOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `1e-2`
   */
  lr: number;
  /**
   * Smoothing constant of the squared-gradient average, in [0, 1].
   * @defaultValue `0.99`
   */
  alpha: number;
  /**
   * Added after the root, `√v + eps`, > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * L2 penalty coefficient, ≥ 0: `g ← g + weightDecay · p` before the update (coupled; see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Momentum factor, ≥ 0 (0: no `momentum_buffer`).
   * @defaultValue `0`
   */
  momentum: number;
  /**
   * Normalise by an estimate of the variance, `v − ḡ²` (Graves 2013), keeping `grad_avg`.
   * @defaultValue `false`
   */
  centered: boolean;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
  maximize: boolean;
}

const schema: Schema<RMSpropOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  alpha: { default: 0.99, check: range(0, 1) },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  momentum: { default: 0, check: nonNegative },
  centered: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const rmsprop = kernelsByDType("rmsprop");
// the buffers of each variant, made once (stateBuffers runs every step): [centered][momentum]
const BUFFERS = [
  [["square_avg"], ["square_avg", "momentum_buffer"]],
  [
    ["square_avg", "grad_avg"],
    ["square_avg", "grad_avg", "momentum_buffer"],
  ],
] as const;

/**
 * RMSprop (Hinton, lecture 6e): divide by a running root mean square of the gradient, as
 * `torch.optim.RMSprop` (no bias correction, eps after the root).
 *
 * For each element (g negated first under `maximize`):
 * ```text
 * g ← g + weightDecay · p
 * v ← α · v + (1 − α) · g²
 * centered:  ḡ ← α · ḡ + (1 − α) · g;  a ← √(v − ḡ²) + eps
 * else:      a ← √v + eps
 * momentum:  buf ← momentum · buf + g / a;  p ← p − lr · buf
 * else:      p ← p − lr · g / a
 * ```
 * State per param (the param's size and dtype): `square_avg`; `grad_avg` when `centered`;
 * `momentum_buffer` when `momentum > 0`.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Hinton, Srivastava, Swersky, "Neural Networks for Machine Learning", lecture 6e: https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
 * @see Graves, "Generating Sequences With Recurrent Neural Networks" (centered form), 2013: https://arxiv.org/abs/1308.0850
 * @see torch.optim.RMSprop, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.RMSprop.html
 */
export class RMSprop extends FirstOrderOptimizer<RMSpropOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "RMSprop";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link RMSpropOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(group: ParamGroup<RMSpropOptions>): readonly StateBufferSpec[] {
    return BUFFERS[+group.centered]![+(group.momentum > 0)]!;
  }

  protected update(r: Run, group: ParamGroup<RMSpropOptions>): void {
    r.advance();
    const withMomentum = group.momentum > 0;
    const v = r.buffer("square_avg");
    const gavg = group.centered ? r.buffer("grad_avg") : 0;
    const buf = withMomentum ? r.buffer("momentum_buffer") : 0;
    rmsprop[r.dtype](
      r.dataPtr,
      r.gradPtr,
      v,
      gavg,
      buf,
      r.size,
      group.lr,
      group.alpha,
      group.eps,
      group.weightDecay,
      group.momentum,
      signOf(group.maximize),
      +group.centered,
      +withMomentum,
      plainOf(group.weightDecay, group.maximize),
      l2Flag(group.weightDecay),
    );
  }
}
