import { InvalidOptionError } from "../errors.js";
import { bool, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type Run, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";
import { l2Flag } from "./_common.js";

/** The hyperparameters of {@link SGD}: the constructor's defaults, and each group's own values (settable between steps, validated). */
export interface SGDOptions {
  /**
   * Learning rate (step size per step), ≥ 0. Required, as in torch.
   */
  lr: number;
  /**
   * Momentum factor μ, ≥ 0 (0: plain SGD, no `momentum_buffer`). May be changed between steps (annealed).
   * @defaultValue `0`
   */
  momentum: number;
  /**
   * Dampening τ of the momentum, in [0, 1]: `buf ← μ · buf + (1 − τ) · g` (not on the first step).
   * @defaultValue `0`
   */
  dampening: number;
  /**
   * L2 penalty coefficient, ≥ 0: `g ← g + weightDecay · p` before the update (coupled; see [conventions](../../docs/conventions.md)).
   * @defaultValue `0`
   */
  weightDecay: number;
  /**
   * Nesterov momentum (Sutskever et al. 2013 form): the step uses `g + μ · buf`. Needs `momentum > 0` and `dampening = 0`.
   * @defaultValue `false`
   */
  nesterov: boolean;
  /**
   * Ascend instead of descend: the gradient is negated before anything else (see [conventions](../../docs/conventions.md)).
   * @defaultValue `false`
   */
  maximize: boolean;
}

const schema: Schema<SGDOptions> = {
  lr: { default: undefined, check: nonNegative },
  momentum: { default: 0, check: nonNegative },
  dampening: { default: 0, check: range(0, 1) },
  weightDecay: { default: 0, check: nonNegative },
  nesterov: { default: false, check: bool },
  maximize: { default: false, check: bool },
};

const sgd = kernelsByDType("sgd");
const MOMENTUM = ["momentum_buffer"];
const enum Kind {
  NoMomentum = 0,
  Momentum = 1,
  Nesterov = 2,
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as `torch.optim.SGD`.
 *
 * For each element, at each step (g negated first under `maximize`):
 * ```text
 * g   ← g + weightDecay · p
 * buf ← momentum · buf + (1 − dampening) · g      (first step: buf ← g)
 * d   ← nesterov ? g + momentum · buf : buf       (momentum 0: d ← g)
 * p   ← p − lr · d
 * ```
 * As torch (and unlike Sutskever et al.), the learning rate multiplies the whole momentum
 * buffer, and the first momentum step copies the gradient without dampening. Momentum may be
 * annealed (e.g. 0.5 → 0.9) by setting `group.momentum` between steps.
 *
 * State per param: `momentum_buffer` (the param's size and dtype) when `momentum > 0`.
 * Shared notes on `maximize`, `weightDecay` and `eps`: [conventions](../../docs/conventions.md); the oracle this class is tested against: [oracle versions](../../docs/oracle-versions.md).
 *
 * @example
 * ```ts
 * import { Param, SGD } from "wasm-optim";
 * const w = Param.from([1, -2]);
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let t = 0; t < 3; t++) {
 *   w.grad.set(w.data.map((x) => 2 * x)); // gradient of sum(w^2)
 *   opt.step();
 * }
 * console.log(Array.from(w.data, (x) => x.toFixed(4))); // → [ '0.0620', '-0.1240' ]
 * opt.dispose();
 * w.dispose();
 * ```
 * @see Sutskever, Martens, Dahl, Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013: https://proceedings.mlr.press/v28/sutskever13.html
 * @see torch.optim.SGD, torch 1.13: https://pytorch.org/docs/1.13/generated/torch.optim.SGD.html
 */
export class SGD extends FirstOrderOptimizer<SGDOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "SGD";

  /**
   * @param params - the params (one group with the defaults), or groups `{ params, ...overrides }`; see {@link ParamsInput}.
   * @param options - the defaults of every group; see {@link SGDOptions}. Unknown names are refused.
   * @throws {@link InvalidOptionError} naming the option (`"lr"`, `"betas[1]"`, `"paramGroups[1].eps"`) when a value is out of range or unknown, when `lr` is missing (it may be left out here when every group gives its own, as torch's `required`), or when `nesterov` is set without momentum > 0 and dampening 0; nothing is allocated.
   */
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, options, schema);
  }

  protected override crossCheck(o: SGDOptions): void {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new InvalidOptionError(
        "nesterov",
        o.nesterov,
        `momentum > 0 and dampening = 0 (momentum is ${o.momentum}, dampening ${o.dampening})`,
      );
    }
  }

  protected stateBuffers(group: ParamGroup<SGDOptions>): readonly StateBufferSpec[] {
    return group.momentum === 0 ? [] : MOMENTUM;
  }

  protected update(r: Run, group: ParamGroup<SGDOptions>): void {
    r.advance();
    const sign = signOf(group.maximize);
    const plain = plainOf(group.weightDecay, group.maximize);
    const l2 = l2Flag(group.weightDecay);
    if (group.momentum === 0) {
      sgd[r.dtype](r.dataPtr, r.gradPtr, 0, r.size, group.lr, sign, group.weightDecay, 0, 1, 0, Kind.NoMomentum, plain, l2);
      return;
    }
    // The first momentum step copies d into the buffer (no dampening): with the buffer
    // just created (zero), bufMu = 0 and a factor 1 do exactly that.
    const first = r.fresh.has("momentum_buffer");
    const kind = group.nesterov ? Kind.Nesterov : Kind.Momentum;
    sgd[r.dtype](
      r.dataPtr,
      r.gradPtr,
      r.buffer("momentum_buffer"),
      r.size,
      group.lr,
      sign,
      group.weightDecay,
      first ? 0 : group.momentum,
      first ? 1 : 1 - group.dampening,
      group.momentum,
      kind,
      plain && +(first || group.dampening === 0),
      l2,
    );
  }
}
