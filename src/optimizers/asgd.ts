import { bool, nonNegative, type Schema } from "../options.js";
import { InvalidOptionError } from "../errors.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";
import { l2Flag } from "./_common.js";

/** The hyperparameters of {@link ASGD}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface ASGDOptions {
  /**
   * The initial step size eta.
   * @defaultValue `1e-2`
   */
  lr: number;
  /**
   * The decay term: p is multiplied by 1 - lambd*eta each step, and eta decays with it.
   * @defaultValue `1e-4`
   */
  lambd: number;
  /**
   * The power of the eta decay, eta_t = lr / (1 + lambd*lr*t)^alpha.
   * @defaultValue `0.75`
   */
  alpha: number;
  /**
   * The step after which averaging starts (ax averages p from step floor(t0) + 2 on).
   * @defaultValue `1e6`
   */
  t0: number;
  /**
   * L2 penalty added to the gradient.
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Maximize the objective (the gradient is negated).
   * @defaultValue `false`
   */
  maximize: boolean;
}

function finite(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidOptionError(name, v, "a finite number");
  return v;
}

const schema: Schema<ASGDOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  lambd: { default: 1e-4, check: nonNegative },
  alpha: { default: 0.75, check: finite },
  t0: { default: 1e6, check: nonNegative },
  weightDecay: { default: 0, check: nonNegative },
  maximize: { default: false, check: bool },
};

const asgd = kernelsByDType("asgd");
const BUFFERS = ["ax"];
const SCALARS = ["eta", "mu"];

/**
 * Averaged SGD (Polyak & Juditsky 1992, "Acceleration of stochastic approximation by
 * averaging"; the decaying step of Bottou 2010 / Xu 2011), as torch.optim.ASGD in torch 1.13.
 * Step t (1-based), with eta and mu from the previous step (eta = lr, mu = 1 at first):
 *
 * ```text
 * g = (maximize ? -g : g) + weightDecay * p
 * p = p * (1 - lambd * eta);  p = p - eta * g
 * ax = mu != 1 ? ax + (p - ax) * mu : p
 * eta = lr / (1 + lambd * lr * t)^alpha;  mu = 1 / max(1, t - t0)
 * ```
 *
 * `ax`, the averaged params (what one evaluates with once averaging has started), is the
 * state buffer `ax` (torch's name: `opt.state.get(p).buffers.get("ax")`, and `ax` in
 * `stateDict()`). `eta` and `mu` are kept as float32 numbers, as torch 1.13 keeps them in
 * float32 0-dim tensors (whatever the param's dtype).
 *
 * Non-finite gradients as torch: a NaN or infinite g makes p (and from then on ax) NaN or
 * infinite; eta and mu do not depend on g.
 *
 * @throws InvalidOptionError for lr, lambd, t0 or weightDecay < 0 or not finite, a
 * non-finite alpha, a non-boolean maximize, or an unknown option.
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.ASGD.html
 */
export class ASGD extends FirstOrderOptimizer<ASGDOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "ASGD";

  constructor(params: ParamsInput<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: ASGDOptions): readonly StepScalar[] {
    // eta is kept in float32 (torch's ASGD keeps it as a float32 tensor): eta_0 = lr, eta_1 after step 1
    const eta0 = Math.fround(o.lr);
    const eta1 = Math.fround(o.lr / (1 + o.lambd * o.lr) ** o.alpha);
    return [
      { option: "lr", what: "ASGD's eta (lr in float32)", value: eta0 },
      { option: "alpha", what: "ASGD's eta lr / (1 + lambd · lr)^alpha at step 1 (in float32)", value: eta1 },
      { option: "lambd", what: "ASGD's decay factor 1 − lambd · eta", value: 1 - o.lambd * Math.max(eta0, eta1) },
    ];
  }
  protected stateBuffers(_group: ParamGroup<ASGDOptions>): readonly StateBufferSpec[] {
    return BUFFERS;
  }

  protected override stateScalars(): readonly string[] {
    return SCALARS;
  }

  protected update(r: Run, group: ParamGroup<ASGDOptions>): void {
    const t = r.advance();
    const eta = r.scalar("eta") ?? Math.fround(group.lr);
    const mu = r.scalar("mu") ?? 1;
    asgd[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("ax"),
      r.size,
      eta,
      1 - group.lambd * eta,
      mu,
      group.weightDecay,
      signOf(group.maximize),
      mu !== 1 ? 1 : 0,
      l2Flag(group.weightDecay),
    );
    r.setScalar("eta", Math.fround(group.lr / (1 + group.lambd * group.lr * t) ** group.alpha));
    r.setScalar("mu", Math.fround(1 / Math.max(1, t - group.t0)));
  }
}
