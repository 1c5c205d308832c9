// The iteration behind minimize() and Newton: L-BFGS (or a Newton direction) with a
// Moré–Thuente strong-Wolfe line search over vectors in wasm memory. Options arrive checked.
//
// L-BFGS here follows L-BFGS-B / libLBFGS rather than torch: Moré–Thuente strong-Wolfe line
// search (c1 = 1e-4, c2 = 0.9), first step 1/||g||_2 along -g then 1, initial Hessian
// scaled by s'y / y'y, a pair skipped when y's <= eps * |g's| (scale-invariant, eps of the
// dtype), the memory reset when a line search fails, and a non-finite loss or gradient
// treated as "step too long" (the line search backs off); the iterate is always a point
// where the loss and gradient were finite.
import { InvalidOptionError } from "../errors.js";
import type { DType, FloatArray, WasmBuffer } from "../param.js";
import { sharedMemory } from "../runtime/memory.js";
import { vectorKernels } from "../vector.js";
import { History } from "./history.js";
import { MoreThuente } from "./line-search.js";
import { dampedNewtonDirection, newtonCGDirection } from "./linalg.js";

/**
 * Why {@link minimize} (or a {@link Newton} step) stopped: converged by `"gradTol"` or `"relTol"`, or stopped by a limit, the callback, a failed line search, or a non-finite loss or gradient.
 */
export type StopReason = "gradTol" | "relTol" | "maxIterations" | "maxEvaluations" | "callback" | "lineSearch" | "nonFinite";

/**
 * What {@link MinimizeOptions.onIteration} receives after each iteration.
 * @typeParam A - the array type of x0.
 */
export interface IterationInfo<A extends FloatArray = Float64Array> {
  /** Iterations (accepted steps) so far, from 1. */
  iteration: number;
  /** The loss at x. */
  loss: number;
  /** max |g| */
  gradNorm: number;
  /** Evaluations of fn so far. */
  evaluations: number;
  /** The current point: a live view, valid during the callback only (copy it to keep it). */
  x: A;
}

/**
 * What {@link minimize} returns.
 * @typeParam A - the array type of x0.
 */
export interface MinimizeResult<A extends FloatArray = Float64Array> {
  /** The best point found (a copy, the dtype of x0); the loss and gradient are finite there unless reason is "nonFinite" at x0. */
  x: A;
  /** The loss at x. */
  loss: number;
  /** max |g| at x (the projected gradient with bounds). */
  gradNorm: number;
  /** Iterations (accepted steps) made. */
  iterations: number;
  /** Calls of fn made. */
  evaluations: number;
  /** true when stopped by gradTol or relTol. */
  converged: boolean;
  /** Why it stopped. */
  reason: StopReason;
  /** The reason in words (as scipy's `message`). */
  message: string;
  /** With `bounds` only: per coordinate -1 at its lower bound, +1 at its upper bound, 0 inside. */
  activeBounds?: Int8Array;
}

/** The objective as the driver sees it (typed arrays of the run's dtype). */
export interface Objective {
  fn: (x: FloatArray, grad: FloatArray) => number;
  hessian?: ((x: FloatArray, H: Float64Array) => void) | null;
  hvp?: ((x: FloatArray, v: Float64Array, out: Float64Array) => void) | null;
}

/** The stopping tests' settings, shared by this driver and the bounded one (src/second-order/lbfgsb.ts). */
export interface StopSettings<A extends FloatArray> {
  gradTol: number;
  relTol: number;
  maxIterations: number;
  maxEvaluations: number;
  onIteration?: ((info: IterationInfo<A>) => boolean | void) | undefined;
}

/** The driver's settings (checked by the caller). */
export interface Settings extends StopSettings<FloatArray> {
  method: "lbfgs" | "newton";
  memory: number;
}

/**
 * Why to stop after an accepted iteration, or undefined to go on: the callback first, then the
 * convergence tests (gradNorm: max |g|, or of the projected gradient with bounds), then the limits.
 */
export function stopAfterIteration<A extends FloatArray>(
  s: StopSettings<A>,
  info: Readonly<IterationInfo<A>>,
  fPrev: number,
): StopReason | undefined {
  if (s.onIteration && s.onIteration(info) === false) return "callback";
  if (info.gradNorm <= s.gradTol) return "gradTol";
  if (fPrev - info.loss <= s.relTol * Math.max(Math.abs(fPrev), Math.abs(info.loss), 1)) return "relTol";
  if (info.iteration >= s.maxIterations) return "maxIterations";
  if (info.evaluations >= s.maxEvaluations) return "maxEvaluations";
  return undefined;
}

export const defaults: Settings = {
  method: "lbfgs",
  memory: 10,
  gradTol: 1e-5,
  relTol: 2.220446049250313e-9,
  maxIterations: 15000,
  maxEvaluations: 15000,
};

const MESSAGES: Record<StopReason, string> = {
  gradTol: "converged: max |gradient| <= gradTol",
  relTol: "converged: relative reduction of the loss <= relTol",
  maxIterations: "stopped: maxIterations reached",
  maxEvaluations: "stopped: maxEvaluations reached",
  callback: "stopped by onIteration",
  lineSearch:
    "stopped: the line search found no acceptable step, even along steepest descent (limit of floating-point precision, or a gradient that does not match the loss)",
  nonFinite: "stopped: the loss or gradient is not finite (at x0, or at every point the line search tried)",
};

/** Whether `v` is one of the StopReason names (checkpoints check Newton's lastReason with it). */
export function isStopReason(v: string): v is StopReason {
  return Object.hasOwn(MESSAGES, v);
}

/** Trials per line search (non-finite back-offs included). */
const MAX_TRIALS = 40;

/** The driver behind minimize() and Newton (options already validated). */
export function runMinimize(obj: Objective, x0: FloatArray, options: Partial<Settings>): MinimizeResult<FloatArray> {
  const s: Settings = { ...defaults, ...options };
  const dtype: DType = x0 instanceof Float32Array ? "float32" : "float64";
  const n = x0.length;
  // Every vector is the history's: one dispose() in `finally` frees each once, whatever fails.
  const history = new History(dtype, n);
  try {
    return iterate(obj, x0, s, history);
  } finally {
    history.dispose();
  }
}

function iterate(obj: Objective, x0: FloatArray, s: Settings, history: History): MinimizeResult<FloatArray> {
  const { dtype, n } = history;
  const K = vectorKernels[dtype];
  const lbfgs = s.method === "lbfgs";
  // x, g: the current point and its gradient; xt, gt: the line search's trial point; d: direction
  let [x, g, xt, gt, d] = history.takeMany(5) as [WasmBuffer, WasmBuffer, WasmBuffer, WasmBuffer, WasmBuffer];
  const newton = lbfgs ? null : new NewtonScratch(n, obj);
  let evaluations = 0,
    iterations = 0;
  let f = NaN,
    gnorm = NaN;
  // Without shared memory, an objective that allocates (a Param, say) can grow the memory and
  // detach the views it was given: it then works on JS copies, copied in and out around the call.
  const staging = sharedMemory ? null : { x: x.view.slice(), g: g.view.slice() };
  const call = (xb: typeof x, gb: typeof g): number => {
    evaluations++;
    if (staging) {
      staging.x.set(xb.view);
      staging.g.fill(0);
      const loss = obj.fn(staging.x, staging.g);
      gb.view.set(staging.g);
      if (typeof loss !== "number") throw new InvalidOptionError("fn", loss, "a function (x, grad) => loss returning a number");
      return loss;
    }
    const grad = gb.view;
    grad.fill(0);
    const loss = obj.fn(xb.view, grad);
    if (typeof loss !== "number") throw new InvalidOptionError("fn", loss, "a function (x, grad) => loss returning a number");
    return loss;
  };
  const result = (reason: StopReason): MinimizeResult<FloatArray> => ({
    x: dtype === "float32" ? new Float32Array(x.view) : new Float64Array(x.view),
    loss: f,
    gradNorm: gnorm,
    iterations,
    evaluations,
    converged: reason === "gradTol" || reason === "relTol",
    reason,
    message: MESSAGES[reason],
  });
  x.view.set(x0);
  f = call(x, g);
  gnorm = K.maxabs(g.ptr, n);
  if (!Number.isFinite(f) || !Number.isFinite(gnorm)) return result("nonFinite");
  if (gnorm <= s.gradTol) return result("gradTol");
  const eps = dtype === "float32" ? 2 ** -23 : 2 ** -52;
  const ls = new MoreThuente(1e-4, 0.9);
  let hDiag = 1;
  for (;;) {
    // search direction and first trial step
    let t0 = 1;
    if (!lbfgs) {
      if (!newton!.direction(x.view, g.view, d.view)) return result("nonFinite");
    } else if (history.length === 0) {
      K.scale(d.ptr, g.ptr, n, -1);
      t0 = 1 / Math.sqrt(K.sumsq(g.ptr, n));
    } else history.twoLoop(g.ptr, d.ptr, hDiag);
    const gtd = K.dot(g.ptr, d.ptr, n);
    if (!(gtd < 0)) {
      if (history.length > 0) {
        history.reset();
        continue;
      }
      return result(Number.isFinite(gtd) ? "lineSearch" : "nonFinite");
    }

    // strong-Wolfe line search along d
    let status = ls.start(f, gtd, t0);
    let ft = NaN,
      gtdt = NaN,
      nonFinite = false;
    for (let trial = 0; status === "evaluate" && trial < MAX_TRIALS; trial++) {
      if (evaluations >= s.maxEvaluations) return result("maxEvaluations");
      K.axpby(xt.ptr, x.ptr, d.ptr, n, 1, ls.t);
      ft = call(xt, gt);
      gtdt = Number.isFinite(ft) ? K.dot(gt.ptr, d.ptr, n) : NaN;
      nonFinite = !Number.isFinite(gtdt);
      status = nonFinite ? ls.exclude() : ls.next(ft, gtdt);
    }
    const t = ls.t;
    const accepted = !nonFinite && (status === "converged" || (status === "warning" && ft <= f + 1e-4 * t * gtd));
    if (!accepted) {
      if (history.length > 0) {
        history.reset(); // forget the memory, retry along -g
        continue;
      }
      return result(nonFinite ? "nonFinite" : "lineSearch");
    }

    // accept x + t d; update the memory with s = t d, y = g_new - g_old
    iterations++;
    const fPrev = f;
    const ys = t * (gtdt - gtd);
    if (lbfgs && ys > eps * t * -gtd) {
      hDiag = ys / K.axpbyDot(g.ptr, gt.ptr, g.ptr, n, -1, 1); // y = g_new - g_old in place, returns y'y
      history.push(d, g, ys, t, s.memory);
      d = history.take();
      g = gt;
      gt = history.take();
    } else [g, gt] = [gt, g];
    [x, xt] = [xt, x];
    f = ft;
    gnorm = K.maxabs(g.ptr, n);

    const stop = stopAfterIteration(s, { iteration: iterations, loss: f, gradNorm: gnorm, evaluations, x: x.view }, fPrev);
    if (stop) return result(stop);
  }
}

/** Newton's direction at x: dense damped Cholesky, or Newton-CG with Hessian-vector products. */
class NewtonScratch {
  readonly #h: Float64Array;
  readonly #l: Float64Array;
  readonly #g: Float64Array;
  readonly #d: Float64Array;
  readonly #cg = { r: new Float64Array(0), p: new Float64Array(0), hp: new Float64Array(0) };

  constructor(
    readonly n: number,
    readonly obj: Objective,
  ) {
    const dense = !!obj.hessian;
    this.#h = new Float64Array(dense ? n * n : 0);
    this.#l = new Float64Array(dense ? n * n : 0);
    this.#g = new Float64Array(n);
    this.#d = new Float64Array(n);
    if (!dense) this.#cg = { r: new Float64Array(n), p: new Float64Array(n), hp: new Float64Array(n) };
  }

  /** Writes the direction into d; false when the Hessian (or a product) is not finite. */
  direction(x: FloatArray, g: FloatArray, d: FloatArray): boolean {
    const { n, obj } = this;
    this.#g.set(g);
    if (obj.hessian) {
      this.#h.fill(0);
      obj.hessian(x, this.#h);
      if (Number.isNaN(dampedNewtonDirection(this.#h, this.#g, n, this.#d, this.#l))) return false;
    } else if (!newtonCGDirection((v, out) => obj.hvp!(x, v, out), this.#g, n, this.#d, this.#cg)) return false;
    for (let i = 0; i < n; i++) if (!Number.isFinite(this.#d[i]!)) return false;
    d.set(this.#d);
    return true;
  }
}
