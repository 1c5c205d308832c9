import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { cachedPow, decayFactor, l2Coefficient } from "./_common.js";

export interface NAdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  /** L2 penalty added to the gradient, or (decoupledWeightDecay) p *= 1 - lr*weightDecay. */
  weightDecay: number;
  /** psi in mu_t = beta1 * (1 - 0.5 * 0.96^(t*psi)). */
  momentumDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

const schema: Schema<NAdamOptions> = {
  lr: { default: 2e-3, check: nonNegative },
  betas: { default: [0.9, 0.999], check: betaPair },
  eps: { default: 1e-8, check: epsilon },
  weightDecay: { default: 0, check: nonNegative },
  momentumDecay: { default: 4e-3, check: nonNegative },
  decoupledWeightDecay: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const nadam = kernelsByDType("nadam");
const BUFFERS = ["exp_avg", "exp_avg_sq"];

/**
 * NAdam (Dozat 2016), as torch.optim.NAdam in torch >= 2.0 (mu_product_next =
 * mu_product * mu_{t+1}; torch 1.13 counted mu_t twice there). `mu_product` is kept in
 * the param's precision, as torch keeps it in a tensor.
 */
export class NAdam extends FirstOrderOptimizer<NAdamOptions> {
  static readonly kind: string = "NAdam";

  constructor(params: ParamsInput<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, options, schema);
  }

  protected stateBuffers(_group: ParamGroup<NAdamOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected update(p: Param, group: ParamGroup<NAdamOptions>, s: ParamState): void {
    const t = ++s.step;
    const [b1, b2] = group.betas;
    const round = p.dtype === "float32" ? Math.fround : (x: number) => x;
    const mu = b1 * (1 - 0.5 * cachedPow(0.96, t * group.momentumDecay));
    const muNext = b1 * (1 - 0.5 * cachedPow(0.96, (t + 1) * group.momentumDecay));
    const muProduct = (s.scalars.mu_product = round((s.scalars.mu_product ?? 1) * mu));
    const muProductNext = round(muProduct * muNext);
    const gradStep = (-group.lr * (1 - mu)) / (1 - muProduct);
    const momStep = (-group.lr * muNext) / (1 - muProductNext);
    const l2 = l2Coefficient(group.weightDecay, group.decoupledWeightDecay);
    const decay = decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay);
    const m = s.buffer("exp_avg").ptr;
    const v = s.buffer("exp_avg_sq").ptr;
    nadam[p.dtype](
      p.dataPtr,
      p.gradPtr,
      m,
      v,
      p.size,
      gradStep,
      momStep,
      b1,
      b2,
      1 - cachedPow(b2, t),
      group.eps,
      l2,
      decay,
      signOf(group.maximize),
      plainOf(l2, group.maximize),
    );
  }
}
