import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { correctedLrAtFirstStep, decayFactor, l2Coefficient, l2Flag } from "./_common.js";

/**
 * The hyperparameters of {@link Adam} and {@link AdamW}: the constructor's defaults, and each group's own values (settable between steps, validated).
 */
export interface AdamOptions {
  /**
   * Learning rate (step size per step), ≥ 0.
   * @defaultValue `1e-3`
   */
  lr: number;
  /**
   * (β₁, β₂): decay rates of the running averages of the gradient and of its square, each in [0, 1).
   * @defaultValue `[0.9, 0.999]`
   */
  betas: readonly [number, number];
  /**
   * Added to the denominator after the root and the bias correction, `√v̂ + eps` (torch's form), > 0.
   * @defaultValue `1e-8`
   */
  eps: number;
  /**
   * Weight decay, ≥ 0. Adam: L2 penalty added to the gradient (coupled); AdamW: `p ← p · (1 − lr · weightDecay)` first (decoupled). See [conventions](../../docs/conventions.md).
   * @defaultValue Adam: `0`; AdamW: `1e-2`
   */
  weightDecay: number;
  /**
   * AMSGrad (Reddi et al. 2018): divide by the running maximum of v (`max_exp_avg_sq`) instead of v.
   * @defaultValue `false`
   */
  amsgrad: boolean;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
  maximize: boolean;
}

export function adamSchema(weightDecay: number): Schema<AdamOptions> {
  return {
    lr: { default: 1e-3, check: nonNegative },
    betas: { default: [0.9, 0.999], check: betaPair },
    eps: { default: 1e-8, check: epsilon },
    weightDecay: { default: weightDecay, check: nonNegative },
    amsgrad: { default: false, check: bool },
    maximize: { default: false, check: bool },
  };
}

const adam = kernelsByDType("adam");
const schema = adamSchema(0);

const MOMENTS = ["exp_avg", "exp_avg_sq"];
const MOMENTS_AMSGRAD = [...MOMENTS, "max_exp_avg_sq"];

/** The state buffers of Adam and AdamW. */
export function adamBuffers(group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] {
  return group.amsgrad ? MOMENTS_AMSGRAD : MOMENTS;
}

/** The per-step scalars of the Adam kernel for a group at step count t. */
export interface AdamScalars {
  readonly stepSize: number;
  readonly bc2sqrt: number;
  readonly l2: number;
  readonly decay: number;
  readonly sign: number;
}

/**
 * Adam's scalars at step t (1-based), computed in float64 as torch does; `decoupled`
 * selects AdamW's weight decay (p *= 1 - lr*wd first) over Adam's L2 term.
 */
function adamScalarsOf(decoupled: boolean): (group: ParamGroup<AdamOptions>, t: number) => AdamScalars {
  return (group: ParamGroup<AdamOptions>, t: number): AdamScalars => ({
    stepSize: group.lr / (1 - group.betas[0] ** t),
    bc2sqrt: Math.sqrt(1 - group.betas[1] ** t),
    l2: l2Coefficient(group.weightDecay, decoupled),
    decay: decayFactor(group.lr, group.weightDecay, decoupled),
    sign: signOf(group.maximize),
  });
}
/** Adam's per-step scalars (L2 weight decay). */
export const adamScalars = adamScalarsOf(false);
/** AdamW's per-step scalars (decoupled weight decay). */
export const adamWScalars = adamScalarsOf(true);

/** One Adam/AdamW step of a run of params with the step's scalars `c`: one kernel call. */
export function adamUpdate(r: Run, group: ParamGroup<AdamOptions>, c: AdamScalars): void {
  const vmax = group.amsgrad ? r.buffer("max_exp_avg_sq") : 0;
  adam[r.dtype](
    r.dataPtr,
    r.gradPtr,
    r.buffer("exp_avg"),
    r.buffer("exp_avg_sq"),
    vmax,
    r.size,
    c.stepSize,
    group.betas[0],
    group.betas[1],
    c.bc2sqrt,
    group.eps,
    c.l2,
    c.decay,
    c.sign,
    +group.amsgrad,
    plainOf(c.l2, group.maximize),
    l2Flag(c.l2),
  );
}

/**
 * Adam (Kingma & Ba, 2015): bias-corrected running averages of the gradient and of its square,
 * as `torch.optim.Adam` (L2 weight decay; for the decoupled form see {@link AdamW}).
 *
 * For each element, at step t = 1, 2, … (g negated first under `maximize`):
 * ```text
 * g ← g + weightDecay · p
 * m ← β₁ · m + (1 − β₁) · g
 * v ← β₂ · v + (1 − β₂) · g²
 * v ← max(vmax, v)  → vmax                          (amsgrad)
 * p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps)
 * ```
 * Differs from torch in rounding only: torch divides √v by √(1 − β₂ᵗ); the kernel multiplies
 * the step and eps by √(1 − β₂ᵗ) instead, `p ← p − (lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)) · m / (√v + eps · √(1 − β₂ᵗ))`
 * (the last bit or two of the step; one SIMD division and one multiply fewer per element).
 *
 * State per param (the param's size and dtype): `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq`
 * with `amsgrad`.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @example
 * ```ts
 * import { Adam, Param } from "wasm-optim";
 * const w = Param.from([0.5, -0.5]);
 * const opt = new Adam([w], { lr: 0.01 });
 * w.grad.set([1, -1]);
 * opt.step(); // the first step moves each element by lr against the sign of its gradient
 * console.log(Array.from(w.data, (x) => x.toFixed(2))); // → [ '0.49', '-0.49' ]
 * opt.dispose();
 * w.dispose();
 * ```
 * @see Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015: https://arxiv.org/abs/1412.6980
 * @see Reddi, Kale, Kumar, "On the Convergence of Adam and Beyond" (AMSGrad), ICLR 2018: https://openreview.net/forum?id=ryQu7f-RZ
 * @see torch.optim.Adam, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.Adam.html
 */
export class Adam extends FirstOrderOptimizer<AdamOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Adam";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link AdamOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown; nothing is allocated.
   */
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, schema);
  }
  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: AdamOptions): readonly StepScalar[] {
    return [correctedLrAtFirstStep("Adam", o.lr, o.betas[0])];
  }
  protected stateBuffers(group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(r: Run, group: ParamGroup<AdamOptions>): void {
    adamUpdate(r, group, this.stepScalars(group, r.advance(), adamScalars));
  }
}
