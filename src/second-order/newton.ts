// Newton's method for small problems: the search direction solves (H + lambda I) d = -g by
// Cholesky, with Levenberg-style damping lambda > 0 only when H is not positive definite
// (or, given Hessian-vector products only, by truncated conjugate gradients that stop at
// negative curvature); a Moré–Thuente line search picks the step. `Newton` is the
// optimizer over Params; minimize(..., { method: "newton" }) is the same method over a vector.
import { CheckpointError, type PendingLoad, type StateTree } from "../checkpoint/attachment.js";
import { asString } from "../checkpoint/read.js";
import { InvalidOptionError } from "../errors.js";
import { Optimizer, type ParamsInput } from "../optimizer.js";
import { integer, nonNegative, type Schema } from "../options.js";
import type { DType, FloatArray, Param } from "../param.js";
import { isStopReason, runMinimize, type Objective, type StopReason } from "./driver.js";
import { flatParams } from "./flat.js";

/** The hyperparameters of {@link Newton}. */
export interface NewtonOptions {
  /**
   * Newton iterations per step() call, an integer ≥ 1.
   * @defaultValue `20`
   */
  maxIter: number;
  /**
   * Stop when max |g| ≤ toleranceGrad, ≥ 0.
   * @defaultValue `1e-7`
   */
  toleranceGrad: number;
  /**
   * Stop when the loss decreases by less than toleranceChange · max(|f|, 1) in an iteration, ≥ 0.
   * @defaultValue `1e-9`
   */
  toleranceChange: number;
}

const schema: Schema<NewtonOptions> = {
  maxIter: { default: 20, check: integer(1) },
  toleranceGrad: { default: 1e-7, check: nonNegative },
  toleranceChange: { default: 1e-9, check: nonNegative },
};

/** How step() gets second derivatives at the current params (flat, in param order). */
export type HessianSource =
  | ((H: Float64Array) => void)
  | {
      /** Writes H·v into `out` (n elements, zero-filled on entry). */
      hvp: (v: Float64Array, out: Float64Array) => void;
    };

/**
 * Damped Newton for small problems. `step(closure, hessian)` runs up to `maxIter` Newton
 * iterations with a strong-Wolfe line search; the closure computes the loss at the current
 * params, writes p.grad and returns the loss (like LBFGS); `hessian` fills the dense n x n
 * row-major Hessian at the current params, or is `{ hvp(v, out) }` giving out = H v. n is
 * the total size of the params (with requiresGrad), taken as one flat vector in order.
 * Returns the loss at the start of the step; `opt.state.get(params[0]).scalars` has
 * func_evals and n_iter. Each step() starts afresh from the params (no history, no damping
 * carried over), so checkpoints hold those counts and `lastReason`.
 *
 * Each iteration: d solves (H + λI) d = −g by a damped Cholesky factorisation (λ grown from 0
 * until H + λI is positive definite), or by conjugate gradients on H·v products (Newton-CG);
 * then a strong-Wolfe line search along d. Not in torch.optim: tested against scipy's optima,
 * see [oracle versions](../../docs/oracle-versions.md).
 *
 * @see Nocedal & Wright, "Numerical Optimization", 2nd ed., 2006, chapters 3 and 7: https://doi.org/10.1007/978-0-387-40065-5
 */
export class Newton extends Optimizer<NewtonOptions> {
  /** The name written into checkpoints (a literal: minifying the class keeps the file format). */
  static readonly kind: string = "Newton";

  /** n: the total number of elements of the params (requiresGrad true), the Hessian being n × n. */
  readonly numel: number;
  /** The dtype of the params. */
  readonly dtype: DType;
  readonly #params: readonly Param[];
  /** Why the last step() stopped (undefined before the first step). */
  lastReason: StopReason | undefined;

  /**
   * @param params - the params (or one group), all of one dtype.
   * @param options - see {@link NewtonOptions}.
   * @throws {@link InvalidOptionError} naming the option, for more than one group, or for params of mixed dtypes.
   */
  constructor(params: ParamsInput<NewtonOptions>, options: Partial<NewtonOptions> = {}) {
    super(params, options, schema);
    const flat = flatParams(this.paramGroups, "Newton");
    this.dtype = flat.dtype;
    this.#params = flat.params;
    this.numel = flat.numel;
  }

  /** Newton keeps no state buffers. */
  protected override stateBufferLength(): null {
    return null;
  }

  protected override extraState(): StateTree {
    return { lastReason: this.lastReason ?? null };
  }

  protected override prepareExtraState(extra: StateTree, where: string): PendingLoad {
    const other = Object.keys(extra).filter((k) => k !== "lastReason");
    if (other.length > 0) throw new CheckpointError("mismatch", `${where} has ${other.join(", ")}, which Newton does not keep`);
    const v = extra.lastReason;
    const reason = v === null ? undefined : asString(v, `${where}.lastReason`);
    if (reason !== undefined && !isStopReason(reason))
      throw new CheckpointError("invalid", `${where}.lastReason is ${reason}, expected a stop reason of minimize() or null`);
    return {
      commit: () => {
        this.lastReason = reason;
      },
    };
  }

  /** Runs up to maxIter Newton iterations; returns the loss at the start of the step. */
  step(closure?: () => number, hessian?: HessianSource): number {
    if (typeof closure !== "function") {
      throw new InvalidOptionError(
        "closure",
        closure,
        "a function that recomputes the loss, writes the gradients into p.grad and returns the loss",
      );
    }
    const dense = typeof hessian === "function" ? hessian : null;
    const hvp =
      (hessian as HessianSource | null | undefined) !== null && typeof hessian === "object" && typeof hessian.hvp === "function"
        ? hessian.hvp
        : null;
    if (!dense && !hvp)
      throw new InvalidOptionError(
        "hessian",
        hessian,
        "a function (H: Float64Array) => void filling the n x n Hessian, or { hvp(v, out) }",
      );
    this.checkStep();
    const { maxIter, toleranceGrad, toleranceChange } = this.paramGroups[0]!;
    const params = this.#params;
    const sc = this.stateOf(this.paramGroups[0]!.params[0]!).scalars;
    // computed keys: typescript-eslint (#12580) misreads `??=` through an index signature's dot access
    sc["func_evals"] ??= 0;
    sc["n_iter"] ??= 0;
    const x0 = this.dtype === "float64" ? new Float64Array(this.numel) : new Float32Array(this.numel);
    gather(params, x0, (p) => p.data);
    const setParams = (x: FloatArray) => {
      let off = 0;
      for (const p of params) {
        p.data.set(x.subarray(off, off + p.size));
        off += p.size;
      }
    };
    let first: number | undefined;
    const objective: Objective = {
      fn: (x, grad) => {
        setParams(x);
        const loss = closure();
        if (typeof loss !== "number") throw new InvalidOptionError("closure", loss, "a closure that returns the loss as a number");
        first ??= loss;
        gather(params, grad, (p) => p.grad);
        return loss;
      },
      hessian:
        dense &&
        ((x, H) => {
          setParams(x);
          dense(H);
        }),
      hvp:
        hvp &&
        ((x, v, out) => {
          setParams(x);
          hvp(v, out);
        }),
    };
    const r = runMinimize(objective, x0, {
      method: "newton",
      gradTol: toleranceGrad,
      relTol: toleranceChange,
      maxIterations: maxIter,
      maxEvaluations: Number.MAX_SAFE_INTEGER,
    });
    setParams(r.x);
    sc.func_evals += r.evaluations;
    sc.n_iter += r.iterations;
    this.lastReason = r.reason;
    return first!;
  }
}

function gather(params: readonly Param[], out: FloatArray, of: (p: Param) => FloatArray): void {
  let off = 0;
  for (const p of params) {
    out.set(of(p), off);
    off += p.size;
  }
}
