import { InvalidOptionError } from "../errors.js";
import { bool, nonNegative, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput, StepScalar } from "../optimizer.js";
import { kernelsByDType, signOf } from "../runtime/kernels.js";

/** The hyperparameters of {@link Rprop}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface RpropOptions {
  /**
   * The initial step size of every element (torch fills `step_size` with it).
   * @defaultValue `1e-2`
   */
  lr: number;
  /**
   * `[etaminus, etaplus]`: the step-size factors after a sign flip and while the sign holds; 0 < etaminus < 1 < etaplus.
   * @defaultValue `[0.5, 1.2]`
   */
  etas: readonly [number, number];
  /**
   * `[min, max]`: the step sizes are clamped to this range after every update; 0 <= min <= max.
   * @defaultValue `[1e-6, 50]`
   */
  stepSizes: readonly [number, number];
  /**
   * Maximize the objective (the gradient is negated).
   * @defaultValue `false`
   */
  maximize: boolean;
}

function pair(name: string, v: unknown, desc: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new InvalidOptionError(name, v, desc, Array.isArray(v) ? "value" : "type");
  v.forEach((x: unknown, i) => {
    if (typeof x !== "number") throw new InvalidOptionError(`${name}[${i}]`, x, "a number", "type"); // NaN: out of range, below
  });
  return [v[0] as number, v[1] as number];
}

function etas(name: string, v: unknown): readonly [number, number] {
  const [minus, plus] = pair(name, v, "a pair [etaminus, etaplus] with 0 < etaminus < 1 < etaplus");
  if (!(minus > 0 && minus < 1)) throw new InvalidOptionError(`${name}[0]`, minus, "a number in (0, 1) (etaminus)");
  if (!(plus > 1 && Number.isFinite(plus))) throw new InvalidOptionError(`${name}[1]`, plus, "a finite number > 1 (etaplus)");
  return Object.freeze([minus, plus] as [number, number]);
}

function stepSizes(name: string, v: unknown): readonly [number, number] {
  const [lo, hi] = pair(name, v, "a pair [min, max] with 0 <= min <= max");
  nonNegative(`${name}[0]`, lo);
  if (!(hi >= lo)) throw new InvalidOptionError(`${name}[1]`, hi, `a number >= stepSizes[0] (${lo})`);
  return Object.freeze([lo, hi] as [number, number]);
}

const schema: Schema<RpropOptions> = {
  lr: { default: 1e-2, check: nonNegative },
  etas: { default: [0.5, 1.2], check: etas },
  stepSizes: { default: [1e-6, 50], check: stepSizes },
  maximize: { default: false, check: bool },
};

const rprop = kernelsByDType("rprop");

/**
 * Rprop, resilient backpropagation (Riedmiller & Braun 1993, "A direct adaptive method for
 * faster backpropagation learning: the RPROP algorithm"), as torch.optim.Rprop in torch 1.13.
 * Each element has its own step size and moves by it against the sign of its gradient:
 *
 * ```text
 * g = maximize ? -g : g;  s = g * prev
 * f = etaplus (s > 0), etaminus (s < 0), 1 (s = 0)
 * stepSize = clamp(stepSize * f, stepSizes[0], stepSizes[1])
 * g = 0 where s < 0            (a sign flip shrinks the step and does not move p)
 * p = p - sign(g) * stepSize;  prev = g
 * ```
 *
 * State per param (torch's names): `prev` (starts at 0), `step_size` (starts at lr), `step`.
 * No weight decay (torch 1.13 has none). A full-batch method: with noisy minibatch gradients
 * the sign flips constantly and the steps shrink.
 *
 * Non-finite gradients as torch: a NaN or infinite g makes g*prev NaN or infinite; a NaN
 * factor makes that element's step size NaN for good (torch.clamp keeps NaN) and p NaN.
 *
 * @throws InvalidOptionError for lr < 0, etas not 0 < etaminus < 1 < etaplus, stepSizes not
 * 0 <= min <= max, a non-boolean maximize, or an unknown option.
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.Rprop.html
 */
export class Rprop extends FirstOrderOptimizer<RpropOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Rprop";

  constructor(params: ParamsInput<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super(params, options, schema);
  }

  /** The scalars checked finite at validation (Optimizer.worstStepScalars). */
  protected override worstStepScalars(o: RpropOptions): readonly StepScalar[] {
    // a step size grows by etaplus from at most max(lr, the upper bound) before it is clamped
    const grown = Math.max(o.lr, o.stepSizes[1]) * o.etas[1];
    return [{ option: "etas", what: "Rprop's grown step size max(lr, stepSizes[1]) · etas[1]", value: grown }];
  }
  protected stateBuffers(group: ParamGroup<RpropOptions>): readonly StateBufferSpec[] {
    return ["prev", { name: "step_size", init: group.lr }];
  }

  protected update(r: Run, group: ParamGroup<RpropOptions>): void {
    r.advance();
    const [minus, plus] = group.etas;
    const [lo, hi] = group.stepSizes;
    rprop[r.dtype](r.dataPtr, r.gradPtr, r.buffer("prev"), r.buffer("step_size"), r.size, minus, plus, lo, hi, signOf(group.maximize));
  }
}
