import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { cachedPow, decayFactor, l2Coefficient } from "./_common.js";

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay of the params. */
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export const adamSchema = (weightDecay: number): Schema<AdamOptions> => ({
  lr: { default: 1e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: weightDecay, check: nonNegative },
  amsgrad: { default: false, check: bool },
  maximize: { default: false, check: bool },
});

const adam = kernelsByDType("adam");
const schema = adamSchema(0);

const MOMENTS = ["exp_avg", "exp_avg_sq"];
const MOMENTS_AMSGRAD = [...MOMENTS, "max_exp_avg_sq"];

/** The state buffers of Adam and AdamW. */
export const adamBuffers = (group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] => (group.amsgrad ? MOMENTS_AMSGRAD : MOMENTS);

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
const adamScalarsOf =
  (decoupled: boolean) =>
  (group: ParamGroup<AdamOptions>, t: number): AdamScalars => ({
    stepSize: group.lr / (1 - cachedPow(group.betas[0], t)),
    bc2sqrt: Math.sqrt(1 - cachedPow(group.betas[1], t)),
    l2: l2Coefficient(group.weightDecay, decoupled),
    decay: decayFactor(group.lr, group.weightDecay, decoupled),
    sign: signOf(group.maximize),
  });
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
  );
}

/** Adam (Kingma & Ba 2015) with bias correction, as torch.optim.Adam (L2 weight decay). */
export class Adam extends FirstOrderOptimizer<AdamOptions> {
  static readonly kind: string = "Adam";

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(group: ParamGroup<AdamOptions>): readonly StateBufferSpec[] {
    return adamBuffers(group);
  }
  protected update(r: Run, group: ParamGroup<AdamOptions>): void {
    adamUpdate(r, group, this.stepScalars(group, r.advance(), adamScalars));
  }
}
