// Newton's method for small problems: the search direction solves (H + lambda I) d = -g by
// Cholesky, with Levenberg-style damping lambda > 0 only when H is not positive definite
// (or, given Hessian-vector products only, by truncated conjugate gradients that stop at
// negative curvature); a Moré–Thuente line search picks the step. `Newton` is the
// optimizer over Params; minimize(..., { method: "newton" }) is the same method over a vector.
import { CheckpointError, type PendingLoad, type StateTree } from "../checkpoint/attachment.js";
import { asString } from "../checkpoint/read.js";
import { InvalidOptionError, StateError, integer, nonNegative } from "../errors.js";
import { Optimizer, type ParamsInput, type Schema, type StateBufferSpec } from "../optimizer.js";
import type { DType, FloatArray, Param } from "../param.js";
import { flatParams } from "./flat.js";
import { isStopReason, runMinimize, type Objective, type StopReason } from "./minimize.js";

/**
 * In-place Cholesky factorisation A = L L' of the n x n row-major matrix `a` + shift*I
 * (lower triangle written to `l`). Returns false when it is not positive definite.
 */
export function cholesky(a: Float64Array, n: number, shift: number, l: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]! + shift;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / ljj;
    }
  }
  return true;
}

/** Solves L L' x = b in place (b becomes x). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/**
 * d = -(H + lambda I)^-1 g with the smallest lambda of the sequence 0 (when every diagonal
 * element is positive), then tau0 = beta - min(diag), doubling (Nocedal & Wright, Alg. 3.3),
 * beta = 1e-3 * max |H_ii| (1e-3 if the diagonal is zero), for which the Cholesky
 * factorisation succeeds. Returns lambda (NaN when H is not finite).
 */
export function dampedNewtonDirection(h: Float64Array, g: ArrayLike<number>, n: number, d: Float64Array, l: Float64Array): number {
  let minDiag = Infinity, maxDiag = 0;
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(h[i]!)) return NaN;
  for (let i = 0; i < n; i++) {
    minDiag = Math.min(minDiag, h[i * n + i]!);
    maxDiag = Math.max(maxDiag, Math.abs(h[i * n + i]!));
  }
  const beta = 1e-3 * (maxDiag > 0 ? maxDiag : 1);
  let lambda = minDiag > 0 ? 0 : beta - minDiag;
  while (!cholesky(h, n, lambda, l)) lambda = Math.max(2 * lambda, beta);
  for (let i = 0; i < n; i++) d[i] = -g[i]!;
  choleskySolve(l, n, d);
  return lambda;
}

/**
 * Newton-CG (truncated conjugate gradients on H d = -g with Hessian-vector products, as
 * scipy's Newton-CG): stops when ||r|| <= min(0.5, sqrt||g||) ||g||, or at a direction of
 * non-positive curvature (then the last iterate; on the first CG step, the steepest-descent
 * direction scaled by the curvature along it). Returns false if a product was not finite.
 */
export function newtonCGDirection(
  hvp: (v: Float64Array, out: Float64Array) => void,
  g: ArrayLike<number>, n: number, d: Float64Array,
  work: { r: Float64Array; p: Float64Array; hp: Float64Array },
): boolean {
  const { r, p, hp } = work;
  let gg = 0;
  for (let i = 0; i < n; i++) gg += g[i]! * g[i]!;
  const tol = Math.min(0.5, Math.sqrt(Math.sqrt(gg))) * Math.sqrt(gg);
  d.fill(0);
  for (let i = 0; i < n; i++) {
    r[i] = g[i]!;
    p[i] = -g[i]!;
  }
  let rr = gg;
  for (let j = 0; j < 20 * n; j++) {
    if (Math.sqrt(rr) <= tol) return true;
    hp.fill(0);
    hvp(p, hp);
    let curv = 0;
    for (let i = 0; i < n; i++) curv += p[i]! * hp[i]!;
    if (!Number.isFinite(curv)) return false;
    if (curv <= 0) {
      if (j === 0) {
        const scale = curv < 0 ? rr / -curv : 1;
        for (let i = 0; i < n; i++) d[i] = -scale * g[i]!;
      }
      return true;
    }
    const alpha = rr / curv;
    let rr1 = 0;
    for (let i = 0; i < n; i++) {
      d[i] = d[i]! + alpha * p[i]!;
      r[i] = r[i]! + alpha * hp[i]!;
      rr1 += r[i]! * r[i]!;
    }
    const b = rr1 / rr;
    for (let i = 0; i < n; i++) p[i] = -r[i]! + b * p[i]!;
    rr = rr1;
  }
  return true;
}

export interface NewtonOptions {
  /** Newton iterations per step() call. */
  maxIter: number;
  /** Stop when max |g| <= toleranceGrad. */
  toleranceGrad: number;
  /** Stop when the loss decreases by less than toleranceChange * max(|f|, 1) in an iteration. */
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
  | { hvp: (v: Float64Array, out: Float64Array) => void };

/**
 * Damped Newton for small problems. `step(closure, hessian)` runs up to `maxIter` Newton
 * iterations with a strong-Wolfe line search; the closure computes the loss at the current
 * params, writes p.grad and returns the loss (like LBFGS); `hessian` fills the dense n x n
 * row-major Hessian at the current params, or is `{ hvp(v, out) }` giving out = H v. n is
 * the total size of the params (with requiresGrad), taken as one flat vector in order.
 * Returns the loss at the start of the step; `opt.state.get(params[0]).scalars` has
 * func_evals and n_iter. Each step() starts afresh from the params (no history, no damping
 * carried over), so checkpoints hold those counts and `lastReason`.
 */
export class Newton extends Optimizer<NewtonOptions> {
  readonly numel: number;
  readonly dtype: DType;
  readonly #params: readonly Param[];
  /** Why the last step() stopped (undefined before the first step). */
  lastReason: StopReason | undefined;

  constructor(params: ParamsInput<NewtonOptions>, options: Partial<NewtonOptions> = {}) {
    super(params, options, schema);
    const flat = flatParams(this.paramGroups, "Newton");
    this.dtype = flat.dtype;
    this.#params = flat.params;
    this.numel = flat.numel;
  }

  override addParamGroup(): never {
    throw new InvalidOptionError("group", "a second parameter group", "no new groups: Newton has exactly one");
  }

  /** Its buffers are made and kept by step() itself (the base class's step loop is not used). */
  protected stateBuffers(): readonly StateBufferSpec[] {
    return [];
  }

  /** step() without a closure and a Hessian is not allowed. */
  protected update(): never {
    throw new StateError("wasm-optim: Newton.step needs a closure and a Hessian");
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
    if (reason !== undefined && !isStopReason(reason)) throw new CheckpointError("invalid", `${where}.lastReason is ${reason}, expected a stop reason of minimize() or null`);
    return { commit: () => { this.lastReason = reason; } };
  }

  /** Runs up to maxIter Newton iterations; returns the loss at the start of the step. */
  override step(closure?: () => number, hessian?: HessianSource): number {
    if (typeof closure !== "function") {
      throw new InvalidOptionError("closure", closure, "a function that recomputes the loss, writes the gradients into p.grad and returns the loss");
    }
    const dense = typeof hessian === "function" ? hessian : null;
    const hvp = hessian !== null && typeof hessian === "object" && typeof hessian.hvp === "function" ? hessian.hvp : null;
    if (!dense && !hvp) throw new InvalidOptionError("hessian", hessian, "a function (H: Float64Array) => void filling the n x n Hessian, or { hvp(v, out) }");
    this.checkStep();
    const { maxIter, toleranceGrad, toleranceChange } = this.paramGroups[0]!;
    const params = this.#params;
    const sc = this.stateOf(this.paramGroups[0]!.params[0]!).scalars;
    sc.func_evals ??= 0;
    sc.n_iter ??= 0;
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
      hessian: dense && ((x, H) => { setParams(x); dense(H); }),
      hvp: hvp && ((x, v, out) => { setParams(x); hvp(v, out); }),
    };
    const r = runMinimize(objective, x0, {
      method: "newton", gradTol: toleranceGrad, relTol: toleranceChange, maxIterations: maxIter, maxEvaluations: Number.MAX_SAFE_INTEGER,
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
