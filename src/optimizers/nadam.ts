import { betaPair, bool, epsilon, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
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

/** NAdam's scalars at step t that do not depend on a param's mu_product. */
function nadamScalars(group: ParamGroup<NAdamOptions>, t: number) {
  const b1 = group.betas[0];
  return {
    mu: b1 * (1 - 0.5 * cachedPow(0.96, t * group.momentumDecay)),
    muNext: b1 * (1 - 0.5 * cachedPow(0.96, (t + 1) * group.momentumDecay)),
    bc2: 1 - cachedPow(group.betas[1], t),
    l2: l2Coefficient(group.weightDecay, group.decoupledWeightDecay),
    decay: decayFactor(group.lr, group.weightDecay, group.decoupledWeightDecay),
    sign: signOf(group.maximize),
  };
}

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

  protected update(r: Run, group: ParamGroup<NAdamOptions>): void {
    const c = this.stepScalars(group, r.advance(), nadamScalars);
    const round = r.dtype === "float32" ? Math.fround : (x: number) => x;
    const muProduct = round((r.scalar("mu_product") ?? 1) * c.mu);
    r.setScalar("mu_product", muProduct);
    const muProductNext = round(muProduct * c.muNext);
    const gradStep = (-group.lr * (1 - c.mu)) / (1 - muProduct);
    const momStep = (-group.lr * c.muNext) / (1 - muProductNext);
    nadam[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("exp_avg"),
      r.buffer("exp_avg_sq"),
      r.size,
      gradStep,
      momStep,
      group.betas[0],
      group.betas[1],
      c.bc2,
      group.eps,
      c.l2,
      c.decay,
      c.sign,
    );
  }
}
