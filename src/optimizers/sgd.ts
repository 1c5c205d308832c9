import { InvalidOptionError } from "../errors.js";
import { bool, nonNegative, range, type Schema } from "../options.js";
import { FirstOrderOptimizer, type StateBufferSpec } from "../first-order.js";
import type { ParamGroup, ParamsInput } from "../optimizer.js";
import type { Param, ParamState } from "../param.js";
import { kernelsByDType, plainOf, signOf } from "../runtime/kernels.js";

export interface SGDOptions {
  /** Learning rate (required, as in PyTorch). */
  lr: number;
  momentum: number;
  dampening: number;
  /** L2 penalty, added to the gradient. */
  weightDecay: number;
  nesterov: boolean;
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
 * Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD.
 * Momentum may be annealed (e.g. 0.5 -> 0.9) by setting `group.momentum` between steps.
 */
export class SGD extends FirstOrderOptimizer<SGDOptions> {
  static readonly kind: string = "SGD";

  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> & { lr: number }) {
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

  protected update(p: Param, group: ParamGroup<SGDOptions>, s: ParamState, fresh: ReadonlySet<string>): void {
    s.step++;
    const sign = signOf(group.maximize);
    const plain = plainOf(group.weightDecay, group.maximize);
    if (group.momentum === 0) {
      sgd[p.dtype](p.dataPtr, p.gradPtr, 0, p.size, group.lr, sign, group.weightDecay, 0, 1, 0, Kind.NoMomentum, plain);
      return;
    }
    // The first momentum step copies d into the buffer (no dampening): with the buffer
    // just created (zero), bufMu = 0 and a factor 1 do exactly that.
    const first = fresh.has("momentum_buffer");
    const buf = s.buffer("momentum_buffer");
    const kind = group.nesterov ? Kind.Nesterov : Kind.Momentum;
    sgd[p.dtype](
      p.dataPtr,
      p.gradPtr,
      buf.ptr,
      p.size,
      group.lr,
      sign,
      group.weightDecay,
      first ? 0 : group.momentum,
      first ? 1 : 1 - group.dampening,
      group.momentum,
      kind,
      plain && +(first || group.dampening === 0),
    );
  }
}
