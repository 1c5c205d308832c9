import { betaPair, bool, epsilon, nonNegative } from "../errors.js";
import { kernelPair, Optimizer, signOf, type ParamGroup, type ParamState, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { Param } from "../param.js";
import { pow } from "../pow.js";

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

const adam = kernelPair("adam");
const schema = adamSchema(0);

const MOMENTS = ["exp_avg", "exp_avg_sq"];
const MOMENTS_AMSGRAD = [...MOMENTS, "max_exp_avg_sq"];

/** The state buffers of Adam and AdamW. */
export const adamBuffers = (g: ParamGroup<AdamOptions>): readonly StateBufferSpec[] => (g.amsgrad ? MOMENTS_AMSGRAD : MOMENTS);

/**
 * One Adam step of `p`; `decoupled` selects AdamW's weight decay (p *= 1 - lr*wd first)
 * over Adam's L2 term. Bias corrections are computed here, in float64, as torch does.
 */
export function adamUpdate(p: Param, g: ParamGroup<AdamOptions>, s: ParamState, decoupled: boolean): void {
  const t = ++s.step;
  const [b1, b2] = g.betas;
  const stepSize = g.lr / (1 - pow(b1, t));
  const bc2sqrt = Math.sqrt(1 - pow(b2, t));
  const wd = decoupled ? 0 : g.weightDecay;
  const decay = decoupled ? 1 - g.lr * g.weightDecay : 1;
  const m = s.buffer("exp_avg").ptr;
  const v = s.buffer("exp_avg_sq").ptr;
  const vmax = g.amsgrad ? s.buffer("max_exp_avg_sq").ptr : 0;
  adam[p.dtype](p.dataPtr, p.gradPtr, m, v, vmax, p.size, stepSize, b1, b2, bc2sqrt, g.eps, wd, decay, signOf(g.maximize), +g.amsgrad);
}

/** Adam (Kingma & Ba 2015) with bias correction, as torch.optim.Adam (L2 weight decay). */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, schema);
  }
  protected stateBuffers(g: ParamGroup<AdamOptions>): readonly StateBufferSpec[] {
    return adamBuffers(g);
  }
  protected update(p: Param, g: ParamGroup<AdamOptions>, s: ParamState): void {
    adamUpdate(p, g, s, false);
  }
}
